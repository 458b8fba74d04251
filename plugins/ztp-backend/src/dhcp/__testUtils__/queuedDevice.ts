/**
 * An Arista leaf for the queue, numbered `n`, on management address `ip`
 * (/24), with its MAC derived from `n`: what DHCP tests insert.
 */
export const queuedDevice = (n: number, ip: string) => ({
  device: {
    entityRef: `resource:default/leaf-0${n}`,
    namespace: 'default',
    name: `leaf-0${n}`,
    platform: 'arista-eos',
    managementAddress: `${ip}/24`,
    managementIp: ip,
    sshPort: 22,
    macAddress: `52:54:00:00:00:1${n}`,
    hostname: `leaf-0${n}`,
    declaredSerial: `JPE1925110${n}`,
    serialTemporary: false,
    declarationHash: 'h',
    expectedSerial: `JPE1925110${n}`,
    localUsername: `ztp-abc12${n}`,
    localPasswordEnc: 'v1:x:y:z',
    localPasswordHash: 'unused',
  },
  event: {
    entityRef: `resource:default/leaf-0${n}`,
    type: 'device.added' as const,
    actor: 'system',
    message: 'added by the test',
  },
});

/**
 * DHCP settings with one provisioning subnet, 198.18.0.0/24, and the door
 * on 198.18.0.1: a leaf on 198.18.0.x gets a reservation, one elsewhere a
 * problem.
 */
export const oneSubnetSettings = {
  doorUrl: 'http://198.18.0.1:7080',
  subnets: [{ id: 1, subnet: '198.18.0.0/24', pools: [], relayAddresses: [] }],
  interfaces: ['*'],
  validLifetimeSeconds: 3600,
  debounceSeconds: 5,
};
