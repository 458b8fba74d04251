import type {
  ZtpReplacementMarker,
  ConfFinalState,
  ConfMinState,
  SerialState,
  ZtpEventType,
} from '@ztp-portal/backstage-plugin-ztp-common';

/** A device as the catalog declares it, normalised for the queue. */
export type DeclaredDevice = {
  entityRef: string;
  namespace: string;
  name: string;
  title?: string;
  site?: string;
  role?: string;
  platform: string;
  managementAddress: string;
  managementIp: string;
  /** Only when the declaration names one: the platform's default otherwise. */
  managementInterface?: string;
  managementVrf?: string;
  defaultGateway?: string;
  sshPort: number;
  macAddress?: string;
  /** The relay's circuit ID of the switch port the device is cabled to. */
  switchPort?: string;
  hostname: string;
  /** The serial the declaration states (expectedSerial may correct it). */
  declaredSerial: string;
  serialTemporary: boolean;
  /** Changes whenever anything the device's configuration depends on changes. */
  declarationHash: string;
};

/** One row of ztp_devices, with dates as Date. */
export type DeviceRecord = DeclaredDevice & {
  /** The serial the check compares with: declared, or corrected since. */
  expectedSerial: string;
  inCatalog: boolean;
  localUsername: string;
  localPasswordEnc: string;
  localPasswordHash: string;
  confMinState: ConfMinState;
  confMinLoadedAt?: Date;
  confMinLoadedFrom?: string;
  confMinFetchCount: number;
  serialState: SerialState;
  /** The serial the device presented over SSH at its last check. */
  presentedSerial?: string;
  /** The serial the device announced in a ZTP request header. */
  headerSerial?: string;
  serialCheckedAt?: Date;
  serialReason?: string;
  serialAttempts: number;
  serialNextCheckAt?: Date;
  serialLeaseUntil?: Date;
  hostKeyFingerprint?: string;
  /** Another host key the device presented than the pinned one, until accepted. */
  presentedHostKey?: string;
  confFinalState: ConfFinalState;
  confFinalPushedAt?: Date;
  confFinalError?: string;
  /** A replacement or re-provision on its way (until Provisioned again). */
  replacement?: ZtpReplacementMarker;
  /** waiting: for the new box to be Checked; pushing: a replica pushes it. */
  replacementState?: 'waiting' | 'pushing';
  /** The software it runs, as read with its last serial check. */
  runningVersion?: string;
  deviceModel?: string;
  versionReadAt?: Date;
  createdAt: Date;
  updatedAt: Date;
  removedAt?: Date;
};

export type NewEvent = {
  entityRef: string;
  type: ZtpEventType;
  actor: string;
  message: string;
  details?: Record<string, unknown>;
  at?: Date;
};

export type EventRecord = Required<Omit<NewEvent, 'details'>> & {
  id: number;
  details?: Record<string, unknown>;
};

/** A device entering the queue with its generated local account. */
export type NewDevice = DeclaredDevice & {
  expectedSerial: string;
  localUsername: string;
  localPasswordEnc: string;
  localPasswordHash: string;
};

export type ConfMinFetch = {
  entityRef: string;
  sourceIp: string;
  at: Date;
  /** Serial the device announced in a ZTP header, if any. */
  headerSerial?: string;
  /** The header serial differs from the expected one (an early warning). */
  headerSerialMismatch?: boolean;
  expectedSerial?: string;
  /** Why it was recognised: mac, hostname, header, source address. */
  via: string;
  /** When the first serial check is due (the device needs time to apply its configuration). */
  checkAt?: Date;
  /**
   * Whether this fetch gets its own timeline event (default true). Repeated
   * fetches from the same address are counted on the device and summed up
   * in the next event instead.
   */
  timeline?: boolean;
  /** Fetches counted since the device's previous timeline event. */
  repeatedSince?: { count: number; at: Date };
};

export type SerialCheckOutcome = {
  state: SerialState;
  presentedSerial?: string;
  reason?: string;
  hostKeyFingerprint?: string;
  /** The key the device presented instead of the pinned one (a host key mismatch). */
  presentedHostKey?: string;
  /** When to try again (for a check that did not conclude). */
  nextCheckAt?: Date;
  /**
   * The expected serial the check compared with: a verdict about a serial
   * that was corrected meanwhile is not written (the correction scheduled
   * a check of its own).
   */
  comparedWith?: string;
};

export type SerialCheckClaimOptions = {
  /**
   * Claim only a device that still needs an automatic check: Loaded, not
   * Checked, and due (serial_next_check_at reached). A trigger queued while
   * another check of the device concluded then finds nothing to do.
   */
  onlyIfDue?: boolean;
};

/** The end of one serial check, as the store writes it. */
export type SerialCheckCompletion = {
  entityRef: string;
  /** The lease owner: a check that lost its lease changes nothing. */
  owner: string;
  outcome: SerialCheckOutcome;
  /** Left out for a retry that repeats the previous failure. */
  event?: NewEvent;
};

export type SerialCorrection = {
  entityRef: string;
  serial: string;
  previousSerial: string;
  /** A replacement box's MAC, in place of previousMacAddress. */
  macAddress?: string;
  previousMacAddress?: string;
  correctedBy: string;
  correctedAt: Date;
};

export type UnknownDeviceRecord = {
  sourceIp: string;
  identifier: string;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
};

export type DeviceListResult = {
  devices: DeviceRecord[];
  totalCount: number;
};
