/*
 * What "the configuration is in place" means when the running configuration
 * is read back: the lines that identify what the final configuration
 * creates (interfaces and their addresses, routing processes and their
 * neighbors, filters) must all be there. Lines a device rewrites in its own
 * words (defaults, negations, secrets) are not compared.
 */

const CISCO_KEY_LINE =
  /^(?:hostname \S+|interface \S+|router (?:bgp|ospf) \S+|ip access-list (?:extended )?\S+|vlan \d+|vrf (?:definition|context|instance) \S+|ip address \d\S*(?: \d\S*)?|neighbor \S+(?: remote-as \d+)?)$/;

const JUNOS_KEY_LINE =
  /^(?:host-name \S+;|address \S+;|neighbor \S+ \{|peer-as \d+;|filter \S+ \{|policy-statement \S+ \{|security-zone \S+ \{)$/;

function distinct(lines: string[]): string[] {
  return [...new Set(lines)];
}

/** Key lines of an IOS-style configuration (IOS XE, NX-OS, EOS). */
export function ciscoStyleKeyLines(config: string): string[] {
  return distinct(
    config
      .split('\n')
      .map(line => line.trim())
      .filter(line => CISCO_KEY_LINE.test(line)),
  );
}

/** Key lines of a Junos curly-brace configuration. */
export function junosKeyLines(config: string): string[] {
  return distinct(
    config
      .split('\n')
      .map(line => line.trim().replace(/^(?:replace|inactive):\s*/, ''))
      .filter(line => JUNOS_KEY_LINE.test(line)),
  );
}

/** The key lines missing from a running configuration. */
export function missingLines(running: string, keyLines: string[]): string[] {
  const present = new Set(
    running
      .split('\n')
      .map(line => line.trim().replace(/^(?:replace|inactive):\s*/, '')),
  );
  return keyLines.filter(line => !present.has(line));
}

/** Whether a running configuration still defines a local account. */
export function hasAccount(running: string, username: string): boolean {
  const name = username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\s*(?:username|user)\\s+${name}(?:\\s|;|$)`, 'm').test(
    running,
  );
}
