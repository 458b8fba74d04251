import type { Entity } from '@backstage/catalog-model';

/** A network device entity as the catalog would hold it. */
export function deviceEntity(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'ztp.network/default-gateway': '127.0.10.1',
        ...annotations,
      },
    },
    spec: { type: 'network-device', owner: 'group:default/network-operators' },
  };
}
