import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the fake received. */
export type ReceivedRequest = {
  method?: string;
  url?: string;
  authorization?: string;
  /** The body, parsed as JSON when there is one. */
  body?: any;
};

/**
 * A stand-in for the ZTP backend on loopback, for the catalog module's
 * clients: records every request and answers with `status` and `body`.
 */
export class FakeZtpBackend {
  requests: ReceivedRequest[] = [];
  status = 200;
  body: unknown = undefined;
  private server = http.createServer((req, res) => {
    let text = '';
    req.on('data', chunk => (text += chunk));
    req.on('end', () => {
      this.requests.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        body: text ? JSON.parse(text) : undefined,
      });
      if (this.body === undefined) {
        res.writeHead(this.status);
        res.end();
        return;
      }
      res.writeHead(this.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(this.body));
    });
  });

  /** Listens on a free loopback port; returns the plugin's base URL. */
  async start(): Promise<string> {
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/api/ztp`;
  }

  async stop() {
    await new Promise(resolve => this.server.close(resolve));
  }
}
