import { DecoratorBase } from '@backstage/plugin-search-backend-node';
import type {
  DocumentDecoratorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import { NETWORK_DEVICE_TYPE } from '@ztp-portal/backstage-plugin-ztp-common';

/** The catalog collator's document type (its index). */
export const CATALOG_DOCUMENT_TYPE = 'software-catalog';

/** What the catalog collator puts in a document, as far as this reads it. */
type CatalogDocument = IndexableDocument & { kind?: string; type?: string };

/** Whether a catalog document is a network device's. */
export function isNetworkDeviceDocument(document: IndexableDocument): boolean {
  const { kind, type } = document as CatalogDocument;
  return (
    kind?.toLowerCase() === 'resource' &&
    type?.toLowerCase() === NETWORK_DEVICE_TYPE
  );
}

/** Drops network devices' documents from the catalog's search documents. */
class NetworkDeviceFilter extends DecoratorBase {
  async initialize() {}

  async decorate(document: IndexableDocument) {
    return isNetworkDeviceDocument(document) ? undefined : document;
  }

  async finalize() {}
}

/** The decorator factory for the catalog's documents (named in the logs). */
class NetworkDeviceFilterFactory implements DocumentDecoratorFactory {
  readonly types = [CATALOG_DOCUMENT_TYPE];

  async getDecorator() {
    return new NetworkDeviceFilter();
  }
}

export const networkDeviceFilterFactory = new NetworkDeviceFilterFactory();
