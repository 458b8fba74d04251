import { TestDatabases } from '@backstage/backend-test-utils';
import { declared, storesFor } from './__testUtils__/storesForTest';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())('SerialCheckStore on %p', id => {
  it('lets one worker at a time claim a serial check', async () => {
    const { stores } = await storesFor(databases, id);
    await stores.devices.insertDevices([
      {
        device: declared(1),
        event: {
          entityRef: 'resource:default/dev-1',
          type: 'device.added',
          actor: 'system',
          message: 'added',
        },
      },
    ]);
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map(owner =>
        stores.serialChecks
          .claimSerialChecks(['resource:default/dev-1'], owner, now, until)
          .then(([d]) => d),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // An expired lease can be taken over.
    const later = new Date(until.getTime() + 1);
    expect(
      (
        await stores.serialChecks.claimSerialChecks(
          ['resource:default/dev-1'],
          'e',
          later,
          new Date(later.getTime() + 1000),
        )
      )[0],
    ).toMatchObject({
      entityRef: 'resource:default/dev-1',
      serialLeaseUntil: new Date(later.getTime() + 1000),
    });
    await stores.serialChecks.completeSerialChecks([
      {
        entityRef: 'resource:default/dev-1',
        owner: 'e',
        outcome: { state: 'mismatch', presentedSerial: 'REAL123' },
        event: {
          entityRef: 'resource:default/dev-1',
          type: 'serial.mismatch',
          actor: 'system',
          message: 'mismatch',
        },
      },
    ]);
    const d = await stores.devices.getDevice('resource:default/dev-1');
    expect(d?.serialState).toBe('mismatch');
    expect(d?.presentedSerial).toBe('REAL123');
    expect(d?.serialLeaseUntil).toBeUndefined();
  });

  it('claims and completes serial checks in batches, device by device', async () => {
    const { stores } = await storesFor(databases, id);
    const refs = [1, 2, 3].map(n => `resource:default/dev-${n}`);
    for (const n of [1, 2, 3]) {
      await stores.devices.insertDevices([
        {
          device: declared(n),
          event: {
            entityRef: refs[n - 1],
            type: 'device.added',
            actor: 'system',
            message: 'added',
          },
        },
      ]);
    }
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    // dev-2 is already leased by another worker: only it is left out.
    await stores.serialChecks.claimSerialChecks([refs[1]], 'other', now, until);
    const claimed = await stores.serialChecks.claimSerialChecks(
      [refs[2], refs[1], refs[0], 'resource:default/nope'],
      'me',
      now,
      until,
    );
    expect(claimed.map(d => d?.entityRef)).toEqual([
      refs[2],
      undefined,
      refs[0],
      undefined,
    ]);
    await stores.serialChecks.completeSerialChecks([
      {
        entityRef: refs[0],
        owner: 'me',
        outcome: { state: 'checked', presentedSerial: 'SER1001' },
        event: {
          entityRef: refs[0],
          type: 'serial.checked',
          actor: 'system',
          message: 'checked',
        },
      },
      // A worker whose lease was lost changes nothing.
      {
        entityRef: refs[1],
        owner: 'me',
        outcome: { state: 'checked', presentedSerial: 'X' },
      },
      {
        entityRef: refs[2],
        owner: 'me',
        outcome: {
          state: 'not-checked',
          reason: 'connection refused',
          nextCheckAt: new Date(now.getTime() + 5000),
        },
      },
    ]);
    const byRef = new Map(
      (await stores.devices.getDevices(refs)).map(d => [d.entityRef, d]),
    );
    const [one, two, three] = refs.map(ref => byRef.get(ref)!);
    expect(one).toMatchObject({
      serialState: 'checked',
      presentedSerial: 'SER1001',
      serialAttempts: 0,
    });
    expect(one.serialLeaseUntil).toBeUndefined();
    expect(two).toMatchObject({
      serialState: 'not-checked',
      serialLeaseUntil: until,
    });
    expect(three).toMatchObject({
      serialState: 'not-checked',
      serialReason: 'connection refused',
      serialAttempts: 1,
      serialNextCheckAt: new Date(now.getTime() + 5000),
    });
    expect(
      (await stores.events.listEvents(refs[0], 5)).map(e => e.type),
    ).toContain('serial.checked');
    expect(
      (await stores.events.listEvents(refs[2], 5)).map(e => e.type),
    ).not.toContain('serial.check-failed');
  });

  it('records fetch batches while serial checks of the same devices conclude, without deadlocks', async () => {
    const { stores } = await storesFor(databases, id);
    const refs: string[] = [];
    for (let n = 1; n <= 40; n++) {
      refs.push(`resource:default/dev-${n}`);
      await stores.devices.insertDevices([
        {
          device: declared(n),
          event: {
            entityRef: refs[n - 1],
            type: 'device.added',
            actor: 'system',
            message: 'added',
          },
        },
      ]);
    }
    const shuffled = (list: string[], seed: number) =>
      [...list].sort(
        (a, b) =>
          ((a.length * 31 + a.charCodeAt(a.length - 1) * seed) % 17) -
          ((b.length * 31 + b.charCodeAt(b.length - 1) * seed) % 17),
      );
    // The door locks rows in one order, the checks in others, many times
    // over: on PostgreSQL, transactions holding several rows each would
    // deadlock here.
    for (let round = 1; round <= 15; round++) {
      const now = new Date();
      const until = new Date(now.getTime() + 60_000);
      const claimed = await stores.serialChecks.claimSerialChecks(
        shuffled(refs, round),
        `owner-${round}`,
        now,
        until,
      );
      await Promise.all([
        stores.fetches.recordFetches(
          shuffled(refs, round + 7).map(ref => ({
            entityRef: ref,
            sourceIp: '127.0.10.1',
            at: now,
            via: 'test',
          })),
        ),
        stores.serialChecks.completeSerialChecks(
          claimed.filter(Boolean).map(d => ({
            entityRef: d!.entityRef,
            owner: `owner-${round}`,
            outcome: { state: 'not-checked' as const, reason: 'refused' },
            event: {
              entityRef: d!.entityRef,
              type: 'serial.check-failed',
              actor: 'system',
              message: 'refused',
            },
          })),
        ),
      ]);
    }
    const devices = await stores.devices.getDevices(refs);
    expect(devices.every(d => d.confMinFetchCount === 15)).toBe(true);
    expect(devices.every(d => d.serialAttempts === 15)).toBe(true);
  });
});
