import type { Entity } from '@backstage/catalog-model';

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? [])
    .filter(r => r.type === type)
    .map(r => r.targetRef);
}

/**
 * The refs of the device's system and of the entities it depends on: from
 * the catalog's relations, or from spec when relations are not computed.
 */
export function relatedRefs(entity: Entity): {
  system?: string;
  dependsOn: string[];
} {
  const partOf = relationTargets(entity, 'partOf').find(r =>
    r.startsWith('system:'),
  );
  const spec = (entity.spec ?? {}) as { system?: unknown; dependsOn?: unknown };
  const specSystem = typeof spec.system === 'string' ? spec.system : undefined;
  const system =
    partOf ??
    (specSystem
      ? qualify(specSystem, 'system', entity.metadata.namespace)
      : undefined);
  const fromRelations = relationTargets(entity, 'dependsOn');
  const fromSpec = Array.isArray(spec.dependsOn)
    ? spec.dependsOn
        .filter((d): d is string => typeof d === 'string')
        .map(d => qualify(d, 'resource', entity.metadata.namespace))
    : [];
  return {
    system,
    dependsOn: [...new Set(fromRelations.length ? fromRelations : fromSpec)],
  };
}

function qualify(ref: string, defaultKind: string, namespace = 'default') {
  const withKind = ref.includes(':') ? ref : `${defaultKind}:${ref}`;
  const [kind, rest] = [
    withKind.slice(0, withKind.indexOf(':')),
    withKind.slice(withKind.indexOf(':') + 1),
  ];
  const full = rest.includes('/') ? rest : `${namespace}/${rest}`;
  return `${kind}:${full}`.toLocaleLowerCase('en-US');
}
