import {
  BUILTIN_PLATFORMS,
  serialsMatch,
  validateSerial,
  type ZtpApprovedImage,
  type ZtpBulkPushJob,
  type ZtpDevice,
  type ZtpDeviceDetails,
  type ZtpDeviceList,
  type ZtpDeviceListQuery,
  type ZtpEvent,
  type ZtpFinalConfigPreview,
  type ZtpLocalAccount,
  type ZtpPlatformList,
  type ZtpPushResult,
  type ZtpSerialCheckResult,
  type ZtpUnknownDeviceList,
  type ZtpDeclarationProblemList,
  type ZtpImageUpgrade,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { ZtpApi } from '../src';

const SITES = ['par1', 'lon2', 'fra1', 'ams3'];
const delay = () => new Promise(resolve => setTimeout(resolve, 250));

/**
 * An in-memory ZTP backend for the dev harness, so the pages can be worked on
 * without the backend. The queue is generated, the same on every start.
 */
export class FakeZtpApi implements ZtpApi {
  private readonly devices = new Map<string, ZtpDevice>();
  private readonly events = new Map<string, ZtpEvent[]>();
  private nextEventId = 1;

  constructor(count = 300) {
    for (let i = 0; i < count; i++) {
      const name = `${i % 3 === 0 ? 'spine' : 'leaf'}-${String(i).padStart(
        3,
        '0',
      )}`;
      const ip = `127.0.${10 + Math.floor(i / 200)}.${(i % 200) + 10}`;
      const stage = i % 5; // 0 waiting, 1 loaded, 2 mismatch, 3 checked, 4 pushed
      const serial = `FOC${String(2100000 + i)}AB`;
      const device: ZtpDevice = {
        entityRef: `resource:default/${name}`,
        namespace: 'default',
        name,
        site: SITES[i % SITES.length],
        role: i % 3 === 0 ? 'spine' : 'leaf',
        platform: BUILTIN_PLATFORMS[i % BUILTIN_PLATFORMS.length].id,
        managementAddress: `${ip}/24`,
        managementIp: ip,
        defaultGateway: ip.replace(/\.\d+$/, '.1'),
        sshPort: i % 7 === 0 ? 2222 : 22,
        hostname: name,
        expectedSerial:
          stage === 2 ? `TMP${String(i).padStart(4, '0')}` : serial,
        serialTemporary: stage === 2,
        inCatalog: true,
        confMin: {
          state: stage === 0 ? 'not-loaded' : 'loaded',
          loadedAt:
            stage === 0
              ? undefined
              : new Date(Date.now() - i * 60_000).toISOString(),
          fetchCount: stage === 0 ? 0 : 1,
        },
        serial: {
          state: [
            'not-checked',
            'not-checked',
            'mismatch',
            'checked',
            'checked',
          ][stage] as ZtpDevice['serial']['state'],
          presentedSerial: stage >= 2 ? serial : undefined,
          checking: false,
          attempts: stage >= 2 ? 1 : 0,
          reason:
            stage === 1 ? 'Connection refused by 127.0.0.1:22' : undefined,
        },
        confFinal: { state: stage === 4 ? 'pushed' : 'not-pushed' },
        localUsername: `ztp-${i.toString(16).padStart(4, '0')}`,
        updatedAt: new Date(Date.now() - i * 60_000).toISOString(),
      };
      this.devices.set(device.entityRef, device);
      this.record(device, 'device.added', 'system', 'Declared in the catalog');
    }
  }

  async listDevices(query: ZtpDeviceListQuery = {}): Promise<ZtpDeviceList> {
    await delay();
    const all = [...this.devices.values()];
    const q = query.q?.toLowerCase();
    const matches = all.filter(
      d =>
        (!query.confMin || d.confMin.state === query.confMin) &&
        (!query.serial || d.serial.state === query.serial) &&
        (!query.confFinal || d.confFinal.state === query.confFinal) &&
        (!query.site || d.site === query.site) &&
        (!query.platform || d.platform === query.platform) &&
        (!q ||
          [
            d.name,
            d.managementIp,
            d.expectedSerial,
            d.serial.presentedSerial ?? '',
          ].some(v => v.toLowerCase().includes(q))),
    );
    const field = query.orderBy ?? 'name';
    const sign = query.order === 'desc' ? -1 : 1;
    matches.sort(
      (a, b) =>
        sign *
        String(a[field] ?? '').localeCompare(String(b[field] ?? ''), 'en', {
          numeric: true,
        }),
    );
    const offset = query.offset ?? 0;
    return {
      items: matches.slice(offset, offset + (query.limit ?? 50)),
      totalCount: matches.length,
      summary: {
        total: all.length,
        loaded: all.filter(d => d.confMin.state === 'loaded').length,
        mismatched: all.filter(d => d.serial.state === 'mismatch').length,
        checked: all.filter(d => d.serial.state === 'checked').length,
        pushed: all.filter(d => d.confFinal.state === 'pushed').length,
      },
      facets: { sites: SITES, platforms: BUILTIN_PLATFORMS.map(p => p.id) },
    };
  }

  async getDevice(entityRef: string): Promise<ZtpDeviceDetails> {
    await delay();
    return {
      device: this.get(entityRef),
      events: [...(this.events.get(entityRef) ?? [])].reverse(),
    };
  }

  async revealCredentials(entityRef: string): Promise<ZtpLocalAccount> {
    const device = this.get(entityRef);
    this.record(
      device,
      'credentials.revealed',
      'user:default/guest',
      'Local account revealed',
    );
    return { username: device.localUsername, password: 'dev-Only-pa55word' };
  }

  async checkSerial(entityRef: string): Promise<ZtpSerialCheckResult> {
    await delay();
    const device = this.get(entityRef);
    if (!device.serial.presentedSerial) {
      return {
        outcome: 'not-checked',
        device,
        reason: 'The device is not reachable over SSH yet',
      };
    }
    const state = serialsMatch(
      device.serial.presentedSerial,
      device.expectedSerial,
    )
      ? 'checked'
      : 'mismatch';
    const next = this.update(device, {
      serial: { ...device.serial, state, checkedAt: new Date().toISOString() },
    });
    this.record(
      next,
      state === 'checked' ? 'serial.checked' : 'serial.mismatch',
      'user:default/guest',
      `Serial check: ${state}`,
    );
    return { outcome: state, device: next };
  }

  async updateSerial(
    entityRef: string,
    newSerial: string,
  ): Promise<ZtpSerialCheckResult> {
    await delay();
    const problem = validateSerial(newSerial);
    if (problem) throw new Error(problem);
    const device = this.update(this.get(entityRef), {
      expectedSerial: newSerial.trim(),
      serialTemporary: false,
    });
    this.record(
      device,
      'serial.corrected',
      'user:default/guest',
      `Expected serial changed to ${newSerial}`,
    );
    return this.checkSerial(entityRef);
  }

  async acceptHostKey(
    entityRef: string,
    fingerprint: string,
  ): Promise<ZtpSerialCheckResult> {
    await delay();
    const device = this.get(entityRef);
    if (device.serial.presentedHostKeyFingerprint !== fingerprint) {
      throw new Error('The device presents no such host key');
    }
    const next = this.update(device, {
      serial: {
        ...device.serial,
        hostKeyFingerprint: fingerprint,
        presentedHostKeyFingerprint: undefined,
      },
    });
    this.record(
      next,
      'serial.host-key-accepted',
      'user:default/guest',
      `New SSH host key ${fingerprint} accepted`,
    );
    return this.checkSerial(entityRef);
  }

  async getFinalConfig(entityRef: string): Promise<ZtpFinalConfigPreview> {
    await delay();
    const d = this.get(entityRef);
    const rendered = `hostname ${d.hostname}\n!\ninterface Management1\n ip address ${d.managementAddress}\n!\nip route 0.0.0.0/0 ${d.defaultGateway}\n`;
    return {
      rendered,
      running: `hostname ${d.hostname}\n`,
      diff: rendered
        .split('\n')
        .slice(1)
        .map(l => `+${l}`)
        .join('\n'),
    };
  }

  async pushFinalConfig(entityRef: string): Promise<ZtpPushResult> {
    await delay();
    const device = this.get(entityRef);
    if (device.serial.state !== 'checked') {
      throw new Error('The serial of this device is not Checked');
    }
    const next = this.update(device, {
      confFinal: { state: 'pushed', pushedAt: new Date().toISOString() },
    });
    this.record(
      next,
      'conffinal.pushed',
      'user:default/guest',
      'Final configuration pushed',
    );
    return { ok: true, device: next };
  }

  async startBulkPush(entityRefs: string[]): Promise<ZtpBulkPushJob> {
    const results = [];
    for (const entityRef of entityRefs) {
      try {
        await this.pushFinalConfig(entityRef);
        results.push({ entityRef, ok: true });
      } catch (e) {
        results.push({ entityRef, ok: false, error: (e as Error).message });
      }
    }
    return {
      id: 'dev',
      total: entityRefs.length,
      done: entityRefs.length,
      failed: results.filter(r => !r.ok).length,
      running: false,
      results,
    };
  }

  async getBulkPushJob(): Promise<ZtpBulkPushJob> {
    throw new Error('The dev harness finishes bulk pushes at once');
  }

  /** The fake queue's devices have no version read: no image is approved. */
  async listImages(): Promise<{ images: ZtpApprovedImage[] }> {
    return { images: [] };
  }

  // The dev harness approves no image: nothing to upgrade.
  async listUpgrades(): Promise<{
    upgrades: ZtpImageUpgrade[];
    upgradeNeeded: number;
  }> {
    return { upgrades: [], upgradeNeeded: 0 };
  }

  async upgradeImage(entityRef: string): Promise<{ started: string[] }> {
    throw new Error(`${entityRef}: no image is approved in the dev harness`);
  }

  async upgradeImages(entityRefs: string[]) {
    return {
      started: [],
      refused: entityRefs.map(entityRef => ({
        entityRef,
        status: 409,
        reason: `${entityRef}: no image is approved in the dev harness`,
      })),
    };
  }

  async listUnknownDevices(): Promise<ZtpUnknownDeviceList> {
    await delay();
    const ago = (minutes: number) =>
      new Date(Date.now() - minutes * 60_000).toISOString();
    return {
      items: [
        {
          sourceIp: '127.0.99.21',
          identifier: 'mac 52:54:00:aa:bb:cc',
          count: 42,
          firstSeen: ago(95),
          lastSeen: ago(1),
        },
        {
          sourceIp: '127.0.99.22',
          identifier: 'hostname leaf-999',
          count: 3,
          firstSeen: ago(30),
          lastSeen: ago(12),
        },
      ],
    };
  }

  async listPlatforms(): Promise<ZtpPlatformList> {
    await delay();
    return {
      items: [
        { id: 'cisco-iosxe', displayName: 'Cisco IOS XE', finalConfig: true },
        { id: 'arista-eos', displayName: 'Arista EOS', finalConfig: true },
      ],
    };
  }

  async listDeclarationProblems(): Promise<ZtpDeclarationProblemList> {
    await delay();
    const at = new Date(Date.now() - 20 * 60_000).toISOString();
    return {
      items: [
        {
          entityRef: 'resource:default/leaf-05-par1',
          location: 'file:../../examples/fleet/declared-devices.yaml',
          problems: [
            'ztp.network/mac-address: "44:4c:a8:1a:2b" is not a MAC address (like 52:54:00:12:34:56)',
          ],
          firstSeen: at,
          lastSeen: new Date().toISOString(),
        },
      ],
    };
  }

  private get(entityRef: string): ZtpDevice {
    const device = this.devices.get(entityRef.toLocaleLowerCase('en-US'));
    if (!device) throw new Error(`No device ${entityRef} in the ZTP queue`);
    return device;
  }

  private update(device: ZtpDevice, change: Partial<ZtpDevice>): ZtpDevice {
    const next = { ...device, ...change, updatedAt: new Date().toISOString() };
    this.devices.set(device.entityRef, next);
    return next;
  }

  private record(
    device: ZtpDevice,
    type: ZtpEvent['type'],
    actor: string,
    message: string,
  ) {
    const event: ZtpEvent = {
      id: this.nextEventId++,
      entityRef: device.entityRef,
      at: new Date().toISOString(),
      type,
      actor,
      message,
    };
    this.events.set(device.entityRef, [
      ...(this.events.get(device.entityRef) ?? []),
      event,
    ]);
    this.devices.set(device.entityRef, {
      ...this.devices.get(device.entityRef)!,
      lastEvent: event,
    });
  }
}
