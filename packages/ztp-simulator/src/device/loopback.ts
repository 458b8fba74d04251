/** Whether an IPv4 address is in 127.0.0.0/8. */
export function isLoopbackIpv4(address: string): boolean {
  const parts = address.split('.');
  return (
    parts.length === 4 &&
    parts[0] === '127' &&
    parts.every(p => /^\d{1,3}$/.test(p) && Number(p) <= 255)
  );
}

/** Whether an IPv4 address is in 198.18.0.0/15, the test namespaces' range. */
export function isTestNamespaceIpv4(address: string): boolean {
  const parts = address.split('.');
  return (
    parts.length === 4 &&
    parts[0] === '198' &&
    (parts[1] === '18' || parts[1] === '19') &&
    parts.every(p => /^\d{1,3}$/.test(p) && Number(p) <= 255)
  );
}

/** Rejects anything but a loopback address: the simulator never leaves the host. */
export function assertLoopback(address: string, what: string): void {
  if (!isLoopbackIpv4(address)) {
    throw new Error(
      `${what} must be an address in 127.0.0.0/8 (got "${address}"); the simulator only uses loopback addresses`,
    );
  }
}

/** Checks a provisioning URL points at a loopback host (or a test namespace's, when allowed). */
export function assertLoopbackUrl(
  url: string,
  allowTestNamespace = false,
): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Provisioning URL "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:') {
    throw new Error(`Provisioning URL "${url}" must use http`);
  }
  const host = parsed.hostname === 'localhost' ? '127.0.0.1' : parsed.hostname;
  if (allowTestNamespace && isTestNamespaceIpv4(host)) return parsed;
  assertLoopback(host, 'The provisioning URL host');
  return parsed;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted || ms <= 0) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
