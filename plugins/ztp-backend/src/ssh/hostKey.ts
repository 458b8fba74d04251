import { createHash } from 'node:crypto';

/** OpenSSH's fingerprint of a raw host key blob: `SHA256:` + unpadded base64. */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  const digest = createHash('sha256').update(keyBlob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/**
 * Turns a recorded host key into a fingerprint. Accepts an OpenSSH
 * fingerprint (`SHA256:...`), a base64 key blob, or a known_hosts style
 * line (`ssh-ed25519 AAAA...`), whose last base64 field is the blob.
 */
export function normalizeKnownHostKey(known: string): string {
  const value = known.trim();
  if (/^SHA256:/i.test(value)) {
    return `SHA256:${value.slice('SHA256:'.length).replace(/=+$/, '')}`;
  }
  const blob = value
    .split(/\s+/)
    .reverse()
    .find(field => /^AAAA[A-Za-z0-9+/]+={0,2}$/.test(field));
  if (blob) {
    return hostKeyFingerprint(Buffer.from(blob, 'base64'));
  }
  // A bare SHA-256 digest in base64 (43 characters, optionally padded).
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value)) {
    return `SHA256:${value.replace(/=+$/, '')}`;
  }
  // Unknown form: compare it as given, which fails safe (a mismatch).
  return value;
}
