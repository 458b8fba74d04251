import type { DeclaredDevice } from '../database/types';

type QueuedDeclaration = DeclaredDevice & { expectedSerial: string };

const FIELD_NAMES: Partial<Record<string, string>> = {
  declaredSerial: 'declared serial',
  expectedSerial: 'expected serial',
  managementAddress: 'management address',
  managementInterface: 'management interface',
  managementVrf: 'management VRF',
  defaultGateway: 'default gateway',
  macAddress: 'MAC address',
  switchPort: 'switch port',
  sshPort: 'SSH port',
};

/** The fields that changed between two declarations, for the timeline. */
export function describeDeclarationChanges(
  before: QueuedDeclaration,
  after: QueuedDeclaration,
): string {
  const fields: (keyof QueuedDeclaration)[] = [
    'declaredSerial',
    'expectedSerial',
    'platform',
    'managementAddress',
    'managementInterface',
    'managementVrf',
    'defaultGateway',
    'macAddress',
    'switchPort',
    'hostname',
    'sshPort',
    'site',
    'role',
    'title',
  ];
  return fields
    .filter(f => before[f] !== after[f])
    .map(
      f =>
        `${FIELD_NAMES[f] ?? f} ${before[f] ?? '(none)'} → ${
          after[f] ?? '(none)'
        }`,
    )
    .join(', ');
}
