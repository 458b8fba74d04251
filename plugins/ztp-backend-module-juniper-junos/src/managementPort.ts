/**
 * Juniper names the out-of-band management port by family: fxp0 on MX
 * routers and SRX gateways, em0 on QFX switches (and the QFX-based EX4600
 * and EX4650), me0 on the other EX switches, re0:mgmt-0 on platforms that
 * run Junos OS Evolved. Checked in order, so the exceptions come first.
 */
const JUNOS_MANAGEMENT_PORTS: ReadonlyArray<[RegExp, string]> = [
  [/^(?:QFX5130|QFX5220|QFX5230|QFX5240|QFX5700|PTX10\d{3})/, 're0:mgmt-0'],
  [/^EX46[05]0/, 'em0'],
  [/^EX9[2-9]\d{2}/, 'fxp0'],
  [/^(?:MX|SRX|vMX|vSRX)/i, 'fxp0'],
  [/^(?:QFX|vQFX)/i, 'em0'],
  [/^EX/, 'me0'],
];

/**
 * The management port of a Junos chassis model (as `show version` or the
 * box's label writes it, e.g. EX4300-48T), or undefined for a family whose
 * port is not known here (declare the port then).
 * @public
 */
export function junosManagementPort(model: string): string | undefined {
  const upper = model.trim().toUpperCase();
  for (const [pattern, port] of JUNOS_MANAGEMENT_PORTS) {
    if (pattern.test(upper)) return port;
  }
  return undefined;
}
