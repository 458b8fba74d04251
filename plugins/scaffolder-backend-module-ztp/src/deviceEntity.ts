import {
  DEFAULT_NAMESPACE,
  Entity,
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_DEFAULT_GATEWAY,
  ANNOTATION_HOSTNAME,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_MANAGEMENT_ADDRESS,
  ANNOTATION_MANAGEMENT_INTERFACE,
  ANNOTATION_MANAGEMENT_VRF,
  ANNOTATION_PLATFORM,
  ANNOTATION_ROLE,
  ANNOTATION_SERIAL,
  ANNOTATION_SERIAL_TEMPORARY,
  ANNOTATION_SITE,
  ANNOTATION_VARIABLES,
  DeviceDeclaration,
  NETWORK_DEVICE_TYPE,
  parseDeviceAnnotations,
  type DevicePlatform,
} from '@ztp-portal/backstage-plugin-ztp-common';

/** What an operator fills in to declare a device. */
export type DeviceDeclarationInput = {
  name: string;
  namespace?: string;
  title?: string;
  description?: string;
  site: string;
  system?: string;
  owner: string;
  platform: string;
  serial: string;
  serialTemporary?: boolean;
  managementAddress: string;
  managementInterface?: string;
  managementVrf?: string;
  defaultGateway?: string;
  macAddress?: string;
  hostname?: string;
  role?: string;
  variables?: string;
};

const validator = makeValidator();

/** Empty form fields arrive as "" (or not at all): both mean "not given". */
function given(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

function refProblem(
  field: string,
  value: string | undefined,
  defaultKind: string,
  namespace: string,
): { ref?: string; problem?: string } {
  if (!value) return {};
  try {
    const ref = parseEntityRef(value, {
      defaultKind,
      defaultNamespace: namespace,
    });
    if (ref.kind.toLocaleLowerCase('en-US') !== defaultKind) {
      return {
        problem: `${field}: "${value}" is not a ${defaultKind} reference`,
      };
    }
    return { ref: stringifyEntityRef(ref) };
  } catch {
    return { problem: `${field}: "${value}" is not an entity reference` };
  }
}

/**
 * Builds the catalog entity of a device declaration, validated the way the
 * catalog module validates it. Returns the entity, or what is wrong.
 */
export function buildDeviceEntity(
  input: DeviceDeclarationInput,
  platforms: readonly DevicePlatform[],
):
  | {
      ok: true;
      entity: Entity;
      entityRef: string;
      declaration: DeviceDeclaration;
    }
  | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const name = input.name?.trim() ?? '';
  const namespace = given(input.namespace) ?? DEFAULT_NAMESPACE;
  if (!validator.isValidEntityName(name)) {
    errors.push(
      `name: "${name}" is not a valid entity name (letters, digits, "-", "_" and ".", at most 63 characters)`,
    );
  }
  if (!validator.isValidNamespace(namespace)) {
    errors.push(`namespace: "${namespace}" is not a valid namespace`);
  }
  const owner = refProblem('owner', given(input.owner), 'group', namespace);
  if (!given(input.owner)) errors.push('owner: is required');
  const system = refProblem('system', given(input.system), 'system', namespace);
  for (const p of [owner.problem, system.problem]) if (p) errors.push(p);
  const site = given(input.site);
  if (!site) errors.push(`${ANNOTATION_SITE}: is required`);

  const annotations: Record<string, string> = {};
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined) annotations[key] = value;
  };
  set(ANNOTATION_SERIAL, given(input.serial));
  set(ANNOTATION_SERIAL_TEMPORARY, input.serialTemporary ? 'true' : 'false');
  set(ANNOTATION_PLATFORM, given(input.platform));
  set(ANNOTATION_MANAGEMENT_ADDRESS, given(input.managementAddress));
  set(ANNOTATION_MANAGEMENT_INTERFACE, given(input.managementInterface));
  set(ANNOTATION_MANAGEMENT_VRF, given(input.managementVrf));
  set(ANNOTATION_DEFAULT_GATEWAY, given(input.defaultGateway));
  set(ANNOTATION_MAC_ADDRESS, given(input.macAddress));
  set(ANNOTATION_HOSTNAME, given(input.hostname));
  set(ANNOTATION_SITE, site);
  set(ANNOTATION_ROLE, given(input.role));
  set(ANNOTATION_VARIABLES, given(input.variables));

  const parsed = parseDeviceAnnotations(annotations, platforms);
  if (!parsed.ok) errors.push(...parsed.errors);
  if (!parsed.ok || errors.length) return { ok: false, errors };

  const { declaration } = parsed;
  // Written in the notations the example fleet uses.
  annotations[ANNOTATION_MANAGEMENT_ADDRESS] = declaration.managementAddress;
  if (declaration.macAddress) {
    annotations[ANNOTATION_MAC_ADDRESS] = declaration.macAddress;
  }

  const tags = [declaration.platform, declaration.role, site]
    .filter((t): t is string => !!t && validator.isValidTag(t))
    .filter((t, i, all) => all.indexOf(t) === i);
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      ...(namespace !== DEFAULT_NAMESPACE ? { namespace } : {}),
      ...(given(input.title) ? { title: given(input.title) } : {}),
      ...(given(input.description)
        ? { description: given(input.description) }
        : {}),
      ...(tags.length ? { tags } : {}),
      annotations,
    },
    spec: {
      type: NETWORK_DEVICE_TYPE,
      owner: owner.ref!,
      ...(system.ref ? { system: system.ref } : {}),
    },
  };
  return {
    ok: true,
    entity,
    entityRef: stringifyEntityRef({ kind: 'resource', namespace, name }),
    declaration,
  };
}
