import { createServer, type Server } from 'node:http';
import type { SimulatedDevice } from '../device/SimulatedDevice';

export type DeviceStatus = {
  name: string;
  platform: string;
  model: string;
  state: string;
  realSerial: string;
  managementIp: string;
  sshPort?: number;
  hostname: string;
  fetches: number;
  lastFetchStatus?: number;
  hostKeyFingerprint?: string;
  /** Successful SSH authentications since the simulator started it. */
  logins: number;
  /** Refused SSH authentications (wrong password, refused method). */
  refusedLogins: number;
};

export function deviceStatus(device: SimulatedDevice): DeviceStatus {
  const last = device.fetches[device.fetches.length - 1];
  return {
    name: device.name,
    platform: device.platform.id,
    model: device.model,
    state: device.state,
    realSerial: device.realSerial,
    managementIp: device.managementIp,
    sshPort: device.sshPort,
    hostname: device.hostname,
    fetches: device.fetches.length,
    lastFetchStatus: last?.status,
    hostKeyFingerprint: device.hostKeyFingerprint(),
    logins: device.logins.filter(l => l.accepted).length,
    refusedLogins: device.logins.filter(l => !l.accepted).length,
  };
}

/**
 * A read-only JSON view of the fleet on 127.0.0.1 (GET /devices and
 * GET /devices/<name>), for end-to-end tests and curious users.
 */
export async function startStatusServer(
  devices: () => SimulatedDevice[],
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify(body, null, 2)}\n`);
    };
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      send(405, { error: 'read-only' });
      return;
    }
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    if (path === '/' || path === '/devices') {
      send(200, devices().map(deviceStatus));
      return;
    }
    const m = /^\/devices\/([^/]+)$/.exec(path);
    const device =
      m && devices().find(d => d.name === decodeURIComponent(m[1]));
    if (device) send(200, deviceStatus(device));
    else send(404, { error: 'no such device' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `Cannot start the status endpoint on 127.0.0.1:${port}: ${err.message}`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
