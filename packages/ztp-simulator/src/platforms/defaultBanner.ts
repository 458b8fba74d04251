/** Pre-authentication banner of devices whose configuration sets none. */
export const DEFAULT_LOGIN_BANNER = [
  '',
  '******************************************************************',
  '* Authorized access only. Disconnect now if you are not an       *',
  '* authorized user. Activity on this device is logged.            *',
  '******************************************************************',
  '',
].join('\r\n');

/** A banner text as SSH clients expect it (CRLF line endings). */
export function toSshBanner(text: string): string {
  const body = text.replace(/\r?\n/g, '\r\n');
  return body.endsWith('\r\n') ? body : `${body}\r\n`;
}
