import { Readable } from 'node:stream';
import type { IndexableDocument } from '@backstage/plugin-search-common';
import {
  CATALOG_DOCUMENT_TYPE,
  networkDeviceFilterFactory,
} from './NetworkDeviceFilter';

const doc = (title: string, kind: string, type: string): IndexableDocument =>
  ({
    title,
    text: '',
    location: `/catalog/default/${kind.toLowerCase()}/${title}`,
    kind,
    type,
  } as IndexableDocument);

async function through(documents: IndexableDocument[]) {
  const decorator = await networkDeviceFilterFactory.getDecorator();
  const out: IndexableDocument[] = [];
  await new Promise<void>((resolve, reject) => {
    Readable.from(documents)
      .pipe(decorator)
      .on('data', (d: IndexableDocument) => out.push(d))
      .on('end', resolve)
      .on('error', reject);
  });
  return out.map(d => d.title);
}

describe('the network device filter of the catalog’s search documents', () => {
  it('drops network devices and keeps every other entity, other resources too', async () => {
    expect(
      await through([
        doc('ztp-portal', 'Component', 'service'),
        doc('leaf-01-par1', 'Resource', 'network-device'),
        doc('inventory-db', 'Resource', 'database'),
        doc('spine-01-par1', 'resource', 'Network-Device'),
        doc('network-operators', 'Group', 'team'),
      ]),
    ).toEqual(['ztp-portal', 'inventory-db', 'network-operators']);
  });

  it('applies to the catalog’s documents only', () => {
    expect(networkDeviceFilterFactory.types).toEqual([CATALOG_DOCUMENT_TYPE]);
  });
});
