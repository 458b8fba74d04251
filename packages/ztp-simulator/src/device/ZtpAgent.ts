import { request } from 'node:http';
import type { PlatformDefinition, ZtpIdentity } from '../platforms/types';
import { sleep } from './loopback';
import type { FetchRecord } from './types';

export type AgentOptions = {
  platform: PlatformDefinition;
  provisioningUrl: URL;
  /** The file DHCP named: fetched as is, with the platform's headers. */
  bootFileUrl?: URL;
  /** The device's address: requests leave from it, as from the device. */
  sourceAddress: string;
  identity: () => ZtpIdentity;
  retryMs: number;
  retryMaxMs: number;
  onFetch: (record: FetchRecord) => void;
  /**
   * Does what the platform does with the fetched file: done, try again
   * later (the agent keeps asking), or stop for good (a failed script).
   */
  handle: (text: string) => Promise<'done' | 'retry' | 'stop'>;
  signal: AbortSignal;
};

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The device's ZTP agent: asks the provisioning server for its configuration
 * the way its platform does, and retries with backoff until it gets one it
 * can apply, as real agents keep retrying while no configuration exists.
 */
export async function runZtpAgent(options: AgentOptions): Promise<boolean> {
  let delay = options.retryMs;
  while (!options.signal.aborted) {
    const { path, headers } = options.platform.ztpRequest(options.identity());
    const url = options.bootFileUrl ?? new URL(path, options.provisioningUrl);
    const record: FetchRecord = {
      at: new Date(),
      url: url.toString(),
      method: 'GET',
      headers,
    };
    try {
      const response = await get(url, headers, options);
      record.status = response.status;
      record.bodyBytes = Buffer.byteLength(response.body);
      options.onFetch(record);
      if (response.status === 200) {
        const outcome = await options.handle(response.body);
        if (outcome === 'done') return true;
        if (outcome === 'stop') return false;
      }
    } catch (error) {
      if (options.signal.aborted) return false;
      record.error = (error as Error).message;
      options.onFetch(record);
    }
    // Real agents wait longer after each failure, with some jitter.
    const jitter = 0.8 + Math.random() * 0.4;
    await sleep(Math.round(delay * jitter), options.signal);
    delay = Math.min(options.retryMaxMs, Math.round(delay * 2));
  }
  return false;
}

function get(
  url: URL,
  headers: Record<string, string>,
  options: AgentOptions,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers,
        localAddress: options.sourceAddress,
        signal: options.signal,
        timeout: REQUEST_TIMEOUT_MS,
        agent: false,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}
