/*
 * What "the configuration is in place" means when the running configuration
 * is read back: the lines that identify what the final configuration
 * creates (interfaces and their addresses, routing processes and their
 * neighbors, filters) must all be there. Lines a device rewrites in its own
 * words (defaults, negations, secrets) are not compared.
 */

const CISCO_KEY_LINE =
  /^(?:hostname \S+|interface \S+|router (?:bgp|ospf) \S+|ip access-list (?:extended )?\S+|vlan \d+|vrf (?:definition|context|instance) \S+|ip address \d\S*(?: \d\S*)?|neighbor \S+(?: remote-as \d+)?)$/;

/** Key lines of an IOS-style configuration (IOS XE, NX-OS, EOS). */
export function ciscoStyleKeyLines(config: string): string[] {
  return [
    ...new Set(
      config
        .split('\n')
        .map(line => line.trim())
        .filter(line => CISCO_KEY_LINE.test(line)),
    ),
  ];
}

/** Lines that carry no command: blank, comments, the closing "end". */
const NOT_A_COMMAND = /^\s*(?:$|!|#|end\s*$)/;

/**
 * The lines of configuration text that are commands: the ones the
 * backend's PlatformPushCli.configure enters, so a procedure that writes
 * them elsewhere (NX-OS, to a file) writes the same.
 */
export function commandLines(text: string): string[] {
  return text
    .split('\n')
    .filter(line => !NOT_A_COMMAND.test(line))
    .map(line => line.trim());
}
