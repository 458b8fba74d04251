import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import { renderMinimalConfig } from '@ztp-portal/backstage-plugin-ztp-node';
import { openDeviceCli } from '../ssh';
import { aristaEosDriver } from '../__testUtils__/builtinPlatforms';

describe('EOS sessions that land unprivileged', () => {
  it('send "enable" at ">" so that privileged commands work', async () => {
    const password = 'Bootstrap-pass.1';
    // A switch configured without AAA exec authorization (by hand, or by
    // an older minimal configuration): its logins land at ">".
    const config = renderMinimalConfig(
      aristaEosDriver,
      {
        entityRef: 'resource:default/leaf-gt',
        name: 'leaf-gt',
        hostname: 'leaf-gt',
        platform: 'arista-eos',
        managementIp: '127.0.32.13',
        prefixLength: 24,
        expectedSerial: 'JPE1',
      },
      {
        username: 'ztp-9a',
        passwordHash: await aristaEosDriver.hashPassword(password),
      },
    ).replace('aaa authorization exec default local\n', '');
    const server = http.createServer((_req, res) => res.end(config));
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const device = new SimulatedDevice({
      name: 'leaf-gt',
      platform: 'arista-eos',
      managementIp: '127.0.32.13',
      sshPort: 0,
      hostname: 'leaf-gt',
      realSerial: 'JPE1',
      provisioningUrl: `http://127.0.0.1:${
        (server.address() as AddressInfo).port
      }`,
      fetchRetryMs: 20,
      rebootMs: 10,
    });
    const prompts: string[] = [];
    device.on('command', ({ line }) => prompts.push(line));
    try {
      await device.powerOn();
      await device.whenConfigured(10_000);
      const session = await openDeviceCli({
        host: '127.0.32.13',
        port: device.sshPort!,
        username: 'ztp-9a',
        password,
        algorithms: aristaEosDriver.sshAlgorithms,
        connectTimeoutMs: 2000,
        deadlineMs: 10_000,
        cli: aristaEosDriver.cli,
      });
      try {
        const running = await aristaEosDriver.readRunningConfig!(session.cli);
        expect(running).toMatch(/^hostname leaf-gt$/m);
        expect(prompts[0]).toBe('enable');
      } finally {
        session.close();
      }
    } finally {
      await device.powerOff();
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    }
  });
});
