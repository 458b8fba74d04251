import fs from 'node:fs';
import type { KeaControl } from './KeaControlClient';

/** One lease as Kea keeps it. */
export type KeaLease = {
  address: string;
  /** Lower-case colon form. */
  macAddress?: string;
  expiresAt: Date;
  /** 0 assigned, 1 declined, 2 expired and reclaimed. */
  state: number;
};

export interface KeaLeaseSource {
  /** lease4-get-all through …, or memfile …: shown with the leases. */
  readonly description: string;
  read(): Promise<KeaLease[]>;
}

const mac = (value: unknown) =>
  typeof value === 'string' && value ? value.toLowerCase() : undefined;

/** Leases through the lease_cmds hook: works wherever Kea runs. */
export class KeaCommandLeaseSource implements KeaLeaseSource {
  readonly description: string;

  constructor(private readonly control: KeaControl) {
    this.description = `lease4-get-all through ${control.endpoint}`;
  }

  async read(): Promise<KeaLease[]> {
    const answer = await this.control.command('lease4-get-all');
    // 3: no leases at all.
    if (answer.result === 3) return [];
    if (answer.result !== 0) {
      throw new Error(`Kea refused lease4-get-all: ${answer.text ?? ''}`);
    }
    return (answer.arguments?.leases ?? []).map(
      (l: any): KeaLease => ({
        address: l['ip-address'],
        macAddress: mac(l['hw-address']),
        expiresAt: new Date((Number(l.cltt) + Number(l['valid-lft'])) * 1000),
        state: Number(l.state ?? 0),
      }),
    );
  }
}

/**
 * Leases from Kea's memfile (CSV, one line per change, the last line of an
 * address wins), for a Kea on the same host. The file Kea's lease file
 * cleanup has just rotated (.2) is read first.
 */
export class KeaMemfileLeaseSource implements KeaLeaseSource {
  readonly description: string;

  constructor(private readonly file: string) {
    this.description = `memfile ${file}`;
  }

  async read(): Promise<KeaLease[]> {
    const byAddress = new Map<string, KeaLease>();
    for (const file of [`${this.file}.2`, this.file]) {
      let text: string;
      try {
        text = await fs.promises.readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const [header, ...lines] = text.split('\n');
      const columns = header.split(',');
      const col = (name: string) => columns.indexOf(name);
      const [address, hwaddr, expire, state] = [
        col('address'),
        col('hwaddr'),
        col('expire'),
        col('state'),
      ];
      if (address < 0 || expire < 0) {
        throw new Error(
          `${file} is not a Kea DHCPv4 lease file (header "${header}")`,
        );
      }
      for (const line of lines) {
        if (!line.trim()) continue;
        const f = line.split(',');
        byAddress.set(f[address], {
          address: f[address],
          macAddress: mac(f[hwaddr]),
          expiresAt: new Date(Number(f[expire]) * 1000),
          state: state >= 0 ? Number(f[state]) : 0,
        });
      }
    }
    return [...byAddress.values()];
  }
}
