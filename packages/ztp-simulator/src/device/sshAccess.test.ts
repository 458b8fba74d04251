import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { Client } from 'ssh2';
import {
  TEST_PASSWORD,
  TEST_USER,
  bootDevice,
} from '../__testUtils__/bootDevice';
import {
  connect,
  execCommand,
  Shell,
  type Login,
} from '../__testUtils__/sshClient';

function loginFails(login: Login): Promise<string> {
  return connect(login).then(
    ({ client }) => {
      client.end();
      throw new Error('login unexpectedly succeeded');
    },
    (error: Error & { level?: string }) => `${error.level}: ${error.message}`,
  );
}

/** Connects and reports what was negotiated and the host key fingerprint. */
function handshake(
  login: Login,
  algorithms?: Login['algorithms'],
): Promise<{ kex: string; serverHostKey: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let fingerprint = '';
    client.on('handshake', negotiated => {
      client.end();
      resolve({
        kex: negotiated.kex,
        serverHostKey: negotiated.serverHostKey,
        fingerprint,
      });
    });
    client.on('error', reject);
    client.connect({
      host: login.host,
      port: login.port,
      username: login.username,
      password: login.password,
      algorithms,
      hostVerifier: (key: Buffer) => {
        fingerprint = `SHA256:${createHash('sha256')
          .update(key)
          .digest('base64')
          .replace(/=+$/, '')}`;
        return true;
      },
    });
  });
}

describe('SSH access', () => {
  it('accepts only the configured account and records each attempt', async () => {
    const { device, login, stop } = await bootDevice(
      'cisco-iosxe',
      '127.0.41.11',
      {
        realSerial: 'FOC2148Z0AB',
      },
    );
    try {
      expect(await loginFails({ ...login, password: 'wrong' })).toMatch(
        /authentication/i,
      );
      expect(await loginFails({ ...login, username: 'admin' })).toMatch(
        /authentication/i,
      );
      expect(
        await loginFails({ ...login, username: TEST_USER.toUpperCase() }),
      ).toMatch(/authentication/i);
      const out = await execCommand(
        login,
        'show version | include Processor board',
      );
      expect(out).toBe('Processor board ID FOC2148Z0AB\r\n');
      expect(device.logins.map(l => [l.username, l.accepted])).toEqual([
        [TEST_USER, false],
        ['admin', false],
        [TEST_USER.toUpperCase(), false],
        [TEST_USER, true],
      ]);
    } finally {
      await stop();
    }
  });

  it('refuses every login with refusePassword', async () => {
    const { login, stop } = await bootDevice('arista-eos', '127.0.41.12', {
      refusePassword: true,
    });
    try {
      expect(await loginFails(login)).toMatch(/authentication/i);
    } finally {
      await stop();
    }
  });

  it('takes the password through keyboard-interactive only when asked to', async () => {
    const { login, stop } = await bootDevice('arista-eos', '127.0.41.13', {
      keyboardInteractive: true,
      realSerial: 'JPE19251107',
    });
    try {
      expect(await loginFails(login)).toMatch(/authentication/i);
      const out = await execCommand(
        { ...login, keyboardInteractive: true },
        'show version | include Serial',
      );
      expect(out).toBe('Serial number: JPE19251107\n');
    } finally {
      await stop();
    }
  });

  it('rejects exec channels with shellOnly but serves the shell', async () => {
    const { login, stop } = await bootDevice('juniper-junos', '127.0.41.14', {
      shellOnly: true,
    });
    try {
      await expect(execCommand(login, 'show version')).rejects.toThrow();
      const shell = await Shell.open(login);
      await shell.expect(`${TEST_USER}@edge-01> `);
      const out = await shell.run(
        'show version | match Hostname',
        /edge-01> $/,
      );
      expect(out).toContain('Hostname: edge-01');
      shell.close();
    } finally {
      await stop();
    }
  });

  it('offers only group14-sha1 and ssh-rsa with legacyAlgorithms', async () => {
    const { device, login, stop } = await bootDevice(
      'cisco-iosxe',
      '127.0.41.15',
      {
        legacyAlgorithms: true,
      },
    );
    try {
      await expect(handshake(login)).rejects.toThrow(/no matching|handshake/i);
      const legacy = {
        kex: ['diffie-hellman-group14-sha1'],
        serverHostKey: ['ssh-rsa'],
        cipher: ['aes128-ctr'],
        hmac: ['hmac-sha1'],
      };
      const negotiated = await handshake(login, legacy as Login['algorithms']);
      expect(negotiated.kex).toBe('diffie-hellman-group14-sha1');
      expect(negotiated.serverHostKey).toBe('ssh-rsa');
      expect(negotiated.fingerprint).toBe(device.hostKeyFingerprint());
      const out = await execCommand(
        { ...login, algorithms: legacy as Login['algorithms'] },
        'show privilege',
      );
      expect(out).toBe('Current privilege level is 15\r\n');
    } finally {
      await stop();
    }
  });

  it('presents a new host key after regenerateHostKey', async () => {
    const { device, login, stop } = await bootDevice(
      'cisco-nxos',
      '127.0.41.16',
    );
    try {
      const before = await handshake(login);
      expect(before.fingerprint).toBe(device.hostKeyFingerprint());
      await device.regenerateHostKey();
      const after = await handshake(login);
      expect(after.fingerprint).toBe(device.hostKeyFingerprint());
      expect(after.fingerprint).not.toBe(before.fingerprint);
    } finally {
      await stop();
    }
  });

  it('shows a new serial after setRealSerial', async () => {
    const { device, login, stop } = await bootDevice(
      'cisco-nxos',
      '127.0.41.17',
      {
        realSerial: 'FDO21120U5D',
      },
    );
    try {
      expect(
        await execCommand(login, 'show version | include Board'),
      ).toContain('FDO21120U5D');
      device.setRealSerial('FDO99999ZZZ');
      expect(await execCommand(login, 'show version | include Board')).toBe(
        '  Processor Board ID FDO99999ZZZ\n',
      );
    } finally {
      await stop();
    }
  });

  it('delays the handshake and every answer with slowMs', async () => {
    const { login, stop } = await bootDevice('arista-eos', '127.0.41.18', {
      slowMs: 300,
    });
    try {
      const started = Date.now();
      const shell = await Shell.open(login);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      await shell.expect(/leaf-03#$/);
      const sent = Date.now();
      await shell.run('show hostname', /leaf-03#$/);
      expect(Date.now() - sent).toBeGreaterThanOrEqual(300);
      shell.close();
    } finally {
      await stop();
    }
  });

  it('is configured but never listens when unreachable', async () => {
    const { device, stop } = await bootDevice('juniper-junos', '127.0.41.19', {
      unreachable: true,
    });
    try {
      expect(device.state).toBe('configured');
      expect(device.sshPort).toBeUndefined();
    } finally {
      await stop();
    }
  });

  it('says clearly why SSH cannot listen', async () => {
    const blocker = createServer();
    await new Promise<void>(resolve =>
      blocker.listen(0, '127.0.41.20', resolve),
    );
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(
        bootDevice('cisco-iosxe', '127.0.41.20', { sshPort: port }),
      ).rejects.toThrow(
        `Cannot listen for SSH on 127.0.41.20:${port}: the address is already in use`,
      );
    } finally {
      blocker.close();
    }
  });

  it('checks the password against the configured hash, not a fixed value', async () => {
    const { login, stop } = await bootDevice('juniper-junos', '127.0.41.21');
    try {
      expect(login.password).toBe(TEST_PASSWORD);
      expect(
        await loginFails({ ...login, password: `${TEST_PASSWORD} ` }),
      ).toMatch(/authentication/i);
      expect(await execCommand(login, 'show version | match Model')).toBe(
        'Model: qfx5120-48y-8c\n',
      );
    } finally {
      await stop();
    }
  });
});
