import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DeviceRequestHandler } from './DeviceRequestHandler';

/**
 * The dedicated HTTP listener devices talk to, separate from the portal's
 * API: none of Backstage's per-request user authentication or access logging
 * (what a device did goes to its timeline instead), and reachable from the
 * provisioning network without exposing the portal.
 */
export class ProvisioningServer {
  private server?: http.Server;

  constructor(
    private readonly options: {
      host: string;
      port: number;
      handler: DeviceRequestHandler;
      logger: LoggerService;
      /** Where it runs, for the log line (e.g. "on a worker thread"). */
      runsOn?: string;
    },
  ) {}

  async start(): Promise<AddressInfo> {
    const server = http.createServer((req, res) => {
      this.options.handler.handle(req, res).catch(error => {
        this.options.logger.error(`Provisioning request failed: ${error}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    // Booting devices open a connection per request; keep the backlog deep.
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(
        { host: this.options.host, port: this.options.port, backlog: 4096 },
        () => {
          server.off('error', reject);
          resolve();
        },
      );
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.options.logger.info(
      `ZTP provisioning server listening on http://${address.address}:${
        address.port
      }${this.options.runsOn ? ` ${this.options.runsOn}` : ''}`,
    );
    return address;
  }

  address(): AddressInfo | undefined {
    return this.server?.address() as AddressInfo | undefined;
  }

  async stop() {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>(resolve => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
