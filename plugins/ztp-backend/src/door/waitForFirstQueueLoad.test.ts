import { mockServices } from '@backstage/backend-test-utils';
import { waitForFirstQueueLoad } from './waitForFirstQueueLoad';

describe('waitForFirstQueueLoad', () => {
  it('waits through empty and failed syncs, says so once, and resolves when devices are loaded', async () => {
    const logger = mockServices.logger.mock();
    const answers: Array<number | Error> = [
      0,
      new Error('catalog not up'),
      0,
      3,
    ];
    let calls = 0;
    const opened = await waitForFirstQueueLoad({
      load: async () => {
        const answer = answers[calls++];
        if (answer instanceof Error) throw answer;
        return answer;
      },
      logger,
      isStopped: () => false,
      intervalMs: 10,
      maxWaitMs: 10_000,
    });
    expect(opened).toBe(true);
    expect(calls).toBe(4);
    expect(logger.info).toHaveBeenCalledTimes(1);
    expect(logger.info.mock.calls[0][0]).toMatch(
      /^The device door opens once the ZTP queue is loaded from the catalog/,
    );
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('opens after the longest wait when the catalog declares no device', async () => {
    const logger = mockServices.logger.mock();
    const start = Date.now();
    const opened = await waitForFirstQueueLoad({
      load: async () => 0,
      logger,
      isStopped: () => false,
      intervalMs: 10,
      maxWaitMs: 100,
    });
    expect(opened).toBe(true);
    expect(Date.now() - start).toBeGreaterThanOrEqual(100);
    expect(logger.warn).toHaveBeenCalledWith(
      'Opening the device door: the catalog declares no network device',
    );
  });

  it('gives up without opening when the backend stops first', async () => {
    let stopped = false;
    const waiting = waitForFirstQueueLoad({
      load: async () => 0,
      logger: mockServices.logger.mock(),
      isStopped: () => stopped,
      intervalMs: 10,
      maxWaitMs: 10_000,
    });
    stopped = true;
    expect(await waiting).toBe(false);
  });
});
