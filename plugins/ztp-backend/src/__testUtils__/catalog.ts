import type { Entity } from '@backstage/catalog-model';
import type { CatalogServiceRequestOptions } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

/**
 * A catalog service whose every read (whichever call the caller makes: the
 * queue sync pages with queryEntities and reads declarations by ref) answers
 * from the entities as they are at that moment, so a test can add, change
 * or remove devices while the backend runs.
 */
export function liveCatalogMock(entities: () => Entity[]) {
  const now = () => catalogServiceMock({ entities: entities() });
  // The backend passes service credentials; the in-memory catalog ignores them.
  const as = (options: unknown) => options as CatalogServiceRequestOptions;
  return catalogServiceMock.mock({
    getEntities: (request, options) => now().getEntities(request, as(options)),
    queryEntities: (request, options) =>
      now().queryEntities(request, as(options)),
    getEntitiesByRefs: (request, options) =>
      now().getEntitiesByRefs(request, as(options)),
    getEntityByRef: (ref, options) => now().getEntityByRef(ref, as(options)),
  });
}
