import type { ConfMinState } from './types';

/**
 * Something the DHCP configuration generator left out or warns about; the
 * generated file stays valid without the device concerned. @public
 */
export type ZtpDhcpProblem = {
  /** The device concerned, when it is one device's declaration. */
  entityRef?: string;
  message: string;
};

/** Which part of the generated Kea configuration to return. @public */
export type ZtpDhcpConfigPart = 'whole' | 'reservations';

/** Body of GET /dhcp/kea-config. @public */
export type ZtpDhcpConfigView = {
  part: ZtpDhcpConfigPart;
  /**
   * The whole Kea DHCPv4 configuration ({ Dhcp4: ... }), or the
   * reservations alone, per provisioning subnet, to paste into an existing
   * Kea.
   */
  content: unknown;
  /** Devices with a reservation in it. */
  reservationCount: number;
  problems: ZtpDhcpProblem[];
};

/** How the backend applies the configuration to a running Kea. @public */
export type ZtpDhcpApplyStatus = {
  /** download: no Kea control endpoint configured; apply: changes are applied. */
  mode: 'download' | 'apply';
  /** The control endpoint, e.g. unix:/run/kea/kea4-ctrl-socket or http://127.0.0.1:8000/. */
  endpoint?: string;
  lastAttemptAt?: string;
  /** When Kea last took a configuration (config-set and config-write). */
  lastAppliedAt?: string;
  /** What changed in the last attempt, e.g. "added leaf-01; MAC of leaf-02 changed". */
  change?: string;
  /** Why the last attempt failed (Kea's own words for a refused configuration). */
  error?: string;
  /** Whether the last attempt succeeded. */
  ok?: boolean;
};

/** What DHCP has handed a device, as Kea's lease data says. @public */
export type ZtpDhcpLease = {
  entityRef: string;
  /** The device's Conf Min state, to tell "no lease yet" from "lease, no fetch". */
  confMin: ConfMinState;
  /** leased: an active lease; expired: a lease that ran out; none: no lease seen. */
  state: 'leased' | 'expired' | 'none';
  address?: string;
  macAddress?: string;
  /** When the lease ends (ISO time). */
  expiresAt?: string;
};

/** Body of GET /dhcp/leases. @public */
export type ZtpDhcpLeaseList = {
  /** False when no lease source is configured or it could not be read. */
  available: boolean;
  /** lease4-get-all through the control endpoint, or the memfile path. */
  source?: string;
  error?: string;
  items: ZtpDhcpLease[];
};

/**
 * Body of GET /dhcp/summary: the counts the DHCP card shows and the first
 * entries of its lists, without the whole configuration or a lease per
 * device (megabytes at 10,000 devices, read every few seconds). @public
 */
export type ZtpDhcpSummary = {
  /** Devices with a reservation in the generated configuration. */
  reservationCount: number;
  /** How many problems the generator found; `problems` holds the first. */
  problemCount: number;
  problems: ZtpDhcpProblem[];
  leases: {
    /** False when no lease source is configured or it could not be read. */
    available: boolean;
    source?: string;
    error?: string;
    /** How many Not Loaded devices there are; `notLoaded` holds the first. */
    notLoadedCount: number;
    notLoaded: ZtpDhcpLease[];
  };
};
