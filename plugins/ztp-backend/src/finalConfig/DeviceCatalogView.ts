import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { FinalConfigCatalogView } from './modelTypes';
import { relatedRefs } from './relatedRefs';

/**
 * Fetches a device's entity and its neighbourhood from the catalog with the
 * plugin's own service credentials: the system it is part of, the entities
 * it depends on, and its multichassis peer (by name, from its variables).
 */
export class DeviceCatalogView {
  constructor(
    private readonly catalog: Pick<
      CatalogService,
      'getEntityByRef' | 'getEntitiesByRefs'
    >,
    private readonly auth: Pick<AuthService, 'getOwnServiceCredentials'>,
  ) {}

  private credentials(): Promise<BackstageCredentials> {
    return this.auth.getOwnServiceCredentials();
  }

  async entity(entityRef: string): Promise<Entity> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials: await this.credentials(),
    });
    if (!entity) {
      throw new NotFoundError(`${entityRef} is not in the catalog`);
    }
    return entity;
  }

  async neighbourhood(
    entity: Entity,
    peerName?: string,
  ): Promise<FinalConfigCatalogView> {
    const { system, dependsOn } = relatedRefs(entity);
    const namespace = entity.metadata.namespace ?? 'default';
    const peerRef = peerName
      ? `resource:${namespace}/${peerName}`.toLocaleLowerCase('en-US')
      : undefined;
    const refs = [
      ...(system ? [system] : []),
      ...dependsOn,
      ...(peerRef ? [peerRef] : []),
    ];
    const { items } = refs.length
      ? await this.catalog.getEntitiesByRefs(
          { entityRefs: refs },
          { credentials: await this.credentials() },
        )
      : { items: [] as (Entity | undefined)[] };
    const byRef = new Map<string, Entity>();
    refs.forEach((ref, i) => {
      const found = items[i];
      if (found) byRef.set(ref, found);
    });
    return {
      entity,
      system: system ? byRef.get(system) : undefined,
      dependencies: dependsOn.flatMap(ref => {
        const found = byRef.get(ref);
        return found ? [found] : [];
      }),
      peer: peerRef ? byRef.get(peerRef) : undefined,
    };
  }
}
