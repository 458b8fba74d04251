/**
 * The longest inputs the device door and the portal API accept, in one
 * place: both refuse longer ones before writing anything, and the database
 * columns that keep them are at least this wide (a migration test checks).
 * @public
 */
export const ZTP_INPUT_LIMITS = {
  /** A serial as a device presents it (X-Arista-Serial, SERIAL-NUMBER) or an operator types it. */
  serial: 64,
  /** A hostname (DNS), e.g. in /ztp/config/by-hostname/<hostname> or a TFTP file name. */
  hostname: 253,
  /** A MAC address as a device writes it in a URL, a header or a TFTP file name. */
  mac: 64,
  /**
   * What the door records for a device nobody declared: its kind and the
   * value it presented, e.g. "hostname <hostname>" (ztp_unknown_devices.identifier).
   */
  unknownIdentifier: 'hostname '.length + 253,
  /** A catalog entity reference, e.g. resource:default/leaf-01. */
  entityRef: 255,
  /** The request line and headers of one request to the device door, in bytes. */
  requestHeadBytes: 16 * 1024,
  /** A TFTP file name, in bytes. */
  tftpFileName: 255,
} as const;

/**
 * Says what is wrong with a piece of text a client sent, or undefined: too
 * long for where it goes, or holding control characters (a NUL cannot be
 * stored in PostgreSQL at all; a line break would forge log lines and
 * configuration lines).
 * @public
 */
export function textInputProblem(
  what: string,
  value: string,
  maxLength: number,
): string | undefined {
  if (value.length > maxLength) {
    return `${what} is ${value.length} characters long; the longest accepted is ${maxLength}`;
  }
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase();
    return `${what} contains the control character U+${code.padStart(
      4,
      '0',
    )}, which is not accepted`;
  }
  return undefined;
}
