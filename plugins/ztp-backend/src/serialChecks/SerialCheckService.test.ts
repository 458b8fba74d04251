import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import { migrateZtpDatabase, ztpStoresOn } from '../database/ZtpStores';
import { CredentialVault } from '../credentials/CredentialVault';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import type { OpenDeviceCli } from '../deviceSessions';
import { SerialCheckService } from './SerialCheckService';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const vault = new CredentialVault('unit-test-secret-key-123');

// A driver whose CLI answers "show serial" from the fake session below.
const driver: ZtpPlatformDriver = {
  id: 'test-os',
  displayName: 'Test OS',
  cli: { promptPattern: /#\s*$/ },
  minimalConfigTemplate: '',
  hashPassword: async () => '$6$x$y',
  readSerial: async cli => (await cli.run('show serial')).trim(),
};

function errorNamed(name: string, message: string) {
  const e = new Error(message);
  e.name = name;
  return e;
}

async function setup(
  id: any,
  openCli: OpenDeviceCli,
  overrides = {},
  onChanged: (ref: string) => void = () => {},
) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  const stores = ztpStoresOn(knex);
  const make = () =>
    new SerialCheckService({
      stores,
      vault,
      platforms: new PlatformRegistry([driver]),
      openCli,
      logger: mockServices.logger.mock(),
      onChanged,
      settings: {
        concurrency: 4,
        connectTimeoutMs: 100,
        deadlineMs: 500,
        managementNetworks: ['127.0.0.0/8'],
        retryInitialDelayMs: 1000,
        retryMaxDelayMs: 8000,
        ...overrides,
      },
    });
  const add = async (n: number, ip = `127.0.10.${n}`) => {
    const entityRef = `resource:default/d${n}`;
    await stores.devices.insertDevices([
      {
        device: {
          entityRef,
          namespace: 'default',
          name: `d${n}`,
          platform: 'test-os',
          managementAddress: `${ip}/24`,
          managementIp: ip,
          sshPort: 22,
          hostname: `d${n}`,
          declaredSerial: `SER000${n}`,
          serialTemporary: false,
          declarationHash: 'h',
          expectedSerial: `SER000${n}`,
          localUsername: `ztp-00000${n}`,
          localPasswordEnc: vault.encrypt(`pw-${n}`, entityRef),
          localPasswordHash: '$6$x$y',
        },
        event: {
          entityRef,
          type: 'device.added',
          actor: 'system',
          message: 'added',
        },
      },
    ]);
    await stores.fetches.recordFetches([
      { entityRef, sourceIp: ip, at: new Date(), via: 'test' },
    ]);
    return entityRef;
  };
  /** Makes a device's next check due now, as its retry time coming would. */
  const dueNow = async (entityRef: string) => {
    await knex('ztp_devices')
      .where({ entity_ref: entityRef })
      .update({ serial_next_check_at: new Date() });
  };
  return { stores, make, add, dueNow };
}

/** A fake SSH layer whose device d<n> presents a serial, or fails. */
function fakeSsh(
  answer: (host: string) => Promise<string>,
  calls: string[] = [],
): OpenDeviceCli {
  return async options => {
    calls.push(`${options.host} ${options.username}`);
    const serial = await answer(options.host);
    return {
      hostKeyFingerprint: 'SHA256:test',
      close: () => {},
      cli: { run: async () => `${serial}\n`, send: async () => '' },
    };
  };
}

describe.each(databases.eachSupportedId())('SerialCheckService on %p', id => {
  it('says Checked on a match and Mismatch with the presented serial', async () => {
    const calls: string[] = [];
    const { stores, make, add } = await setup(
      id,
      fakeSsh(
        async host => (host.endsWith('.1') ? 'ser0001' : 'FOC0000REAL'),
        calls,
      ),
    );
    const service = make();
    const ok = await add(1);
    const bad = await add(2);
    expect(await service.check(ok, 'system')).toEqual({ outcome: 'checked' });
    expect(await service.check(bad, 'user:default/op')).toEqual({
      outcome: 'mismatch',
    });
    expect(calls).toEqual(['127.0.10.1 ztp-000001', '127.0.10.2 ztp-000002']);
    const d2 = await stores.devices.getDevice(bad);
    expect(d2).toMatchObject({
      serialState: 'mismatch',
      presentedSerial: 'FOC0000REAL',
      hostKeyFingerprint: 'SHA256:test',
    });
    const [event] = await stores.events.listEvents(bad, 1);
    expect(event).toMatchObject({
      type: 'serial.mismatch',
      actor: 'user:default/op',
    });
    expect(event.message).toMatch(/FOC0000REAL.*SER0002/);
  });

  it('keeps Not Checked with a reason, and retries with backoff', async () => {
    const failures = [
      errorNamed('SshUnreachableError', 'connect ECONNREFUSED'),
      errorNamed('SshAuthError', 'all methods refused'),
      errorNamed('HostKeyMismatchError', 'expected SHA256:a, got SHA256:b'),
    ];
    let i = 0;
    const { stores, make, add, dueNow } = await setup(
      id,
      fakeSsh(async () => {
        throw failures[i++];
      }),
    );
    const service = make();
    const ref = await add(1);
    const before = Date.now();
    expect(await service.check(ref, 'system')).toEqual({
      outcome: 'not-checked',
      reason: 'unreachable: connect ECONNREFUSED',
    });
    let d = await stores.devices.getDevice(ref);
    expect(d?.serialNextCheckAt!.getTime()).toBeGreaterThanOrEqual(
      before + 1000,
    );
    expect(d?.serialAttempts).toBe(1);
    // The sweep finds it due when its retry time comes.
    await dueNow(ref);
    await service.check(ref, 'system');
    d = await stores.devices.getDevice(ref);
    expect(d?.serialReason).toMatch(/^authentication refused/);
    // Doubling backoff: 2 s after the second failure.
    expect(
      d!.serialNextCheckAt!.getTime() - d!.serialCheckedAt!.getTime(),
    ).toBeGreaterThanOrEqual(1900);
    await dueNow(ref);
    await service.check(ref, 'system');
    d = await stores.devices.getDevice(ref);
    expect(d?.serialReason).toMatch(/^host key changed/);
    // A changed key is never retried on its own.
    expect(d?.serialNextCheckAt).toBeUndefined();
  });

  it('asks a device that fetched its configuration lately and where nothing listens yet again within bootRetryMaxDelayMs; other failures and late devices get the backoff', async () => {
    let failure = errorNamed('SshUnreachableError', 'connect ECONNREFUSED');
    const { stores, make, add, dueNow } = await setup(
      id,
      fakeSsh(async () => {
        throw failure;
      }),
      { bootWindowMs: 60_000, bootRetryMaxDelayMs: 1500 },
    );
    const service = make();
    const ref = await add(1);
    // Loaded now: the device is booting.
    await stores.fetches.recordFetches([
      {
        entityRef: ref,
        at: new Date(),
        sourceIp: '127.0.10.1',
        via: 'by-mac',
        timeline: false,
      },
    ]);
    const waitAfter = async () => {
      const d = (await stores.devices.getDevice(ref))!;
      return d.serialNextCheckAt!.getTime() - d.serialCheckedAt!.getTime();
    };
    for (let attempt = 1; attempt <= 4; attempt++) {
      await service.check(ref, 'system');
      // 1 s, then 1.5 s and never the 2, 4, 8 s of the backoff.
      expect(await waitAfter()).toBeLessThanOrEqual(1500);
      await dueNow(ref);
    }
    // It answers but times out: the backoff (attempt 5: 8 s, the cap).
    failure = errorNamed('SshTimeoutError', 'handshake timed out');
    await service.check(ref, 'system');
    expect(await waitAfter()).toBeGreaterThanOrEqual(7900);
  });

  it('keeps a device retrying the same failure off the timeline and the live view, except on attempts 1, 2, 4, 8', async () => {
    let answer: () => Promise<string> = async () => {
      throw errorNamed('SshUnreachableError', 'connect ECONNREFUSED');
    };
    const changed: string[] = [];
    const { stores, make, add, dueNow } = await setup(
      id,
      fakeSsh(() => answer()),
      {},
      ref => changed.push(ref),
    );
    const service = make();
    const ref = await add(1);
    const published: number[] = [];
    for (let attempt = 1; attempt <= 9; attempt++) {
      const before = changed.length;
      await dueNow(ref);
      await service.check(ref, 'system');
      if (changed.length > before) published.push(attempt);
    }
    const device = (await stores.devices.getDevice(ref))!;
    // Every attempt is counted and scheduled...
    expect(device.serialAttempts).toBe(9);
    expect(device.serialNextCheckAt).toBeDefined();
    // ...but only some are news.
    expect(published).toEqual([1, 2, 4, 8]);
    const failures = (await stores.events.listEvents(ref, 50)).filter(
      e => e.type === 'serial.check-failed',
    );
    // Each says which account it tried.
    for (const f of failures) {
      expect(f.message).toMatch(/; login as the bootstrap account ztp-\w+;/);
    }
    expect(failures.map(e => /attempt (\d+);/.exec(e.message)?.[1])).toEqual([
      '8',
      '4',
      '2',
      '1',
    ]);
    // A different outcome is always news.
    answer = async () => 'SER0001';
    await dueNow(ref);
    const before = changed.length;
    expect((await service.check(ref, 'system'))?.outcome).toBe('checked');
    expect(changed.length).toBeGreaterThan(before);
    expect((await stores.events.listEvents(ref, 1))[0].type).toBe(
      'serial.checked',
    );
  });

  it('refuses addresses outside the management networks without connecting', async () => {
    const calls: string[] = [];
    const { stores, make, add } = await setup(
      id,
      fakeSsh(async () => 'X', calls),
      {
        managementNetworks: ['127.0.20.0/24'],
      },
    );
    const ref = await add(3);
    const result = await make().check(ref, 'system');
    expect(result?.reason).toMatch(
      /refused to connect: 127\.0\.10\.3 is outside/,
    );
    expect(calls).toEqual([]);
    expect((await stores.devices.getDevice(ref))?.serialState).toBe(
      'not-checked',
    );
  });

  it('checks a device once per trigger across replicas sharing a database', async () => {
    const calls: string[] = [];
    const { make, add } = await setup(
      id,
      fakeSsh(async () => {
        await new Promise(r => setTimeout(r, 100));
        return 'SER0005';
      }, calls),
    );
    const replicas = [make(), make()];
    const ref = await add(5);
    const results = await Promise.all([
      replicas[0].check(ref, 'system'),
      replicas[1].check(ref, 'system'),
      replicas[0].sweep(),
      replicas[1].sweep(),
    ]);
    expect(calls).toHaveLength(1);
    expect(results.filter(r => r && typeof r === 'object')).toEqual([
      { outcome: 'checked' },
    ]);
  });

  it('tries a failing device once for triggers queued together; the next try waits for its retry time', async () => {
    const calls: string[] = [];
    const { stores, make, add } = await setup(
      id,
      fakeSsh(async () => {
        throw errorNamed('SshUnreachableError', 'connect ECONNREFUSED');
      }, calls),
      { concurrency: 1 },
    );
    const service = make();
    const ref = await add(6);
    await Promise.all([
      service.checkIfDue(ref),
      service.sweep(),
      service.checkIfDue(ref),
    ]);
    expect(calls).toHaveLength(1);
    const device = await stores.devices.getDevice(ref);
    expect(device?.serialAttempts).toBe(1);
    expect(device?.serialNextCheckAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('holds the concurrency limit, and one slow device does not hold up others', async () => {
    let running = 0;
    let peak = 0;
    const finished: string[] = [];
    // The slow device answers only once all the others are done: if it held
    // a slot the others needed, this test would never finish.
    let othersDone: () => void = () => {};
    const allOthersDone = new Promise<void>(r => (othersDone = r));
    const { make, add } = await setup(
      id,
      fakeSsh(async host => {
        running++;
        peak = Math.max(peak, running);
        if (host.endsWith('.1')) {
          await allOthersDone;
        } else {
          await new Promise(r => setTimeout(r, 30));
        }
        running--;
        finished.push(host);
        if (finished.length === 8 && !host.endsWith('.1')) othersDone();
        return 'nope';
      }),
      { concurrency: 3 },
    );
    const service = make();
    const refs = [];
    for (let n = 1; n <= 9; n++) refs.push(await add(n));
    await Promise.all(refs.map(r => service.check(r, 'system')));
    expect(peak).toBe(3);
    expect(finished).toHaveLength(9);
    expect(finished[finished.length - 1]).toBe('127.0.10.1');
  });

  it('claims and concludes the checks of one event-loop turn in one transaction each', async () => {
    const { stores, make, add } = await setup(
      id,
      fakeSsh(async host => {
        if (host.endsWith('.3')) throw new Error('connection refused');
        return `SER000${host.split('.').pop()}`;
      }),
      { concurrency: 10 },
    );
    const claimBatches = jest.spyOn(stores.serialChecks, 'claimSerialChecks');
    const completionBatches = jest.spyOn(
      stores.serialChecks,
      'completeSerialChecks',
    );
    const service = make();
    const refs = [];
    for (let n = 1; n <= 6; n++) refs.push(await add(n));
    const results = await Promise.all(
      refs.map(r => service.check(r, 'system')),
    );
    // d3 refuses the connection; the others present their serial.
    const expected = refs.map((_, i) => (i === 2 ? 'not-checked' : 'checked'));
    expect(results.map(r => r?.outcome)).toEqual(expected);
    expect(claimBatches).toHaveBeenCalledTimes(1);
    expect(claimBatches.mock.calls[0][0]).toEqual(refs);
    expect(completionBatches).toHaveBeenCalledTimes(1);
    expect(completionBatches.mock.calls[0][0]).toHaveLength(6);
    // Each device got its own outcome and timeline event from the batch.
    const byRef = new Map(
      (await stores.devices.getDevices(refs)).map(d => [d.entityRef, d]),
    );
    const devices = refs.map(ref => byRef.get(ref)!);
    expect(devices.map(d => d.serialState)).toEqual(expected);
    expect(devices.every(d => d.serialLeaseUntil === undefined)).toBe(true);
    const events = await stores.events.listEvents(refs[2], 10);
    expect(events.map(e => e.type)).toContain('serial.check-failed');
  });
});
