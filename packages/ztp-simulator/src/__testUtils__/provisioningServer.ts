import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export type ReceivedRequest = {
  url: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string;
};

export type ProvisioningServer = {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
};

/**
 * A tiny stand-in for the backend's device door: answers each request with
 * whatever the test's handler says, and records what devices sent.
 */
export async function startProvisioningServer(
  handler: (
    request: ReceivedRequest,
    index: number,
  ) => { status: number; body: string },
): Promise<ProvisioningServer> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const received = {
      url: req.url ?? '',
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress ?? '',
    };
    requests.push(received);
    const answer = handler(received, requests.length - 1);
    res.writeHead(answer.status, { 'Content-Type': 'text/plain' });
    res.end(answer.body);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
