/** Whether this backend's TFTP door serves, and if not, why. */
export type TftpDoorState =
  | { state: 'off' }
  | { state: 'starting' | 'serving'; address: string }
  | { state: 'failed'; address: string; reason: string };

/**
 * Why a bind failed, in the operator's terms: the two usual causes of a
 * TFTP door that cannot open port 69 get what to do about them.
 */
export function tftpBindFailureReason(error: unknown, address: string): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EACCES':
      return `binding ${address} needs a privilege this process lacks (EACCES): grant the node binary CAP_NET_BIND_SERVICE, or redirect port 69 to ztp.provisioning.tftp.port (see the README)`;
    case 'EADDRINUSE':
      return `another process already holds ${address} (EADDRINUSE): stop that TFTP server (or the other backend on this host), or set ztp.provisioning.tftp.enabled: false here`;
    case 'EADDRNOTAVAIL':
      return `${address} is not an address of this host (EADDRNOTAVAIL): set ztp.provisioning.tftp.host to the provisioning network's address`;
    default:
      return `${address}: ${(error as Error)?.message ?? String(error)}`;
  }
}

/**
 * The TFTP door's state, kept by the door and read by what shows it (the
 * log, and the DHCP card's problems, since options 66 and 150 name it).
 */
export class TftpDoorStatus {
  private current: TftpDoorState = { state: 'off' };

  get(): TftpDoorState {
    return this.current;
  }

  set(state: TftpDoorState) {
    this.current = state;
  }

  /** What an operator must know, or nothing while it serves or is off by choice. */
  problem(): string | undefined {
    const s = this.current;
    if (s.state !== 'failed') return undefined;
    return `The TFTP door is not serving: ${s.reason}. Devices that ask over TFTP (options 66/150: AutoInstall's network-confg and <hostname>-confg, POAP over TFTP) get no file from it.`;
  }
}
