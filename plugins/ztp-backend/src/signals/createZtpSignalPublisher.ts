import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { ZtpStores } from '../database/ZtpStores';
import { toZtpDevice } from '../deviceView';
import { ZtpSignalPublisher } from './ZtpSignalPublisher';

/**
 * The publisher of the portal's live updates, reading the devices it
 * publishes (as the API shows them) and the queue's counters from the store.
 */
export function createZtpSignalPublisher(options: {
  signals: SignalsService;
  logger: LoggerService;
  stores: Pick<ZtpStores, 'devices' | 'events'>;
  windowMs: number;
  stuckAfterMs: number;
}): ZtpSignalPublisher {
  const { stores } = options;
  return new ZtpSignalPublisher({
    signals: options.signals,
    logger: options.logger,
    windowMs: options.windowMs,
    loadDevices: async refs => {
      const devices = await stores.devices.getDevices(refs);
      const last = await stores.events.lastEvents(refs);
      return devices.map(d =>
        toZtpDevice(d, last.get(d.entityRef), undefined, options.stuckAfterMs),
      );
    },
    loadSummary: () => stores.devices.summary(),
  });
}
