import { mockServices } from '@backstage/backend-test-utils';
import { memoryStore } from '../finalConfig/__testUtils__/simulatedDevices';
import { builtinPlatformDrivers } from '../__testUtils__/builtinPlatforms';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { DhcpApplier } from './DhcpApplier';
import { DhcpApplyStore } from './DhcpApplyStore';
import { generateKeaConfig } from './generateKeaConfig';
import { KeaUnixSocketControl } from './KeaControlClient';

describe('DhcpApplier', () => {
  it('never sends Kea a configuration without subnets, and says why', async () => {
    const { knex } = await memoryStore();
    const auditor = mockServices.auditor.mock();
    const auditorEvent = { success: jest.fn(), fail: jest.fn() };
    auditor.createEvent.mockResolvedValue(auditorEvent);
    const applier = new DhcpApplier({
      // Nothing listens there: any command would fail as "could not reach".
      control: new KeaUnixSocketControl('/nonexistent/kea4-ctrl-socket'),
      store: new DhcpApplyStore(knex),
      generate: async () =>
        generateKeaConfig(
          [],
          {
            subnets: [],
            interfaces: ['*'],
            validLifetimeSeconds: 3600,
            debounceSeconds: 5,
          },
          new PlatformRegistry(builtinPlatformDrivers),
        ),
      auditor,
      logger: mockServices.logger.mock(),
    });
    const status = await applier.applyIfChanged();
    expect(status).toMatchObject({
      mode: 'apply',
      ok: false,
      error:
        'No provisioning subnet is configured (ztp.dhcp.subnets): a configuration without subnets is not applied',
    });
    expect(status.lastAppliedAt).toBeUndefined();
    expect(auditorEvent.fail).toHaveBeenCalledTimes(1);
    // The same configuration is not tried again until it changes.
    await applier.applyIfChanged();
    expect(auditor.createEvent).toHaveBeenCalledTimes(1);
    await knex.destroy();
  });
});
