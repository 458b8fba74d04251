import type {
  ZtpReplacementMarker,
  ConfFinalState,
  ConfMinState,
  SerialState,
  ZtpDeviceListQuery,
  ZtpEventType,
  ZtpImageApproval,
  ZtpQueueSummary,
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
  serial: string;
  serialTemporary: boolean;
  /** Changes whenever anything the device's configuration depends on changes. */
  declarationHash: string;
};

/** One row of ztp_devices, with dates as Date. */
export type DeviceRecord = DeclaredDevice & {
  declaredSerial: string;
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
  presentedSerial?: string;
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

/** The end of one serial check, as the store writes it. */
export type SerialCheckClaimOptions = {
  /**
   * Claim only a device that still needs an automatic check: Loaded, not
   * Checked, and due (serial_next_check_at reached). A trigger queued while
   * another check of the device concluded then finds nothing to do.
   */
  onlyIfDue?: boolean;
};

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

/**
 * Persistence of the ZTP queue. Implemented on knex for SQLite and
 * PostgreSQL; several backend replicas may share one database.
 */
export interface ZtpStore {
  getDevice(entityRef: string): Promise<DeviceRecord | undefined>;
  getDevices(entityRefs: string[]): Promise<DeviceRecord[]>;
  /** Every device in the catalog (not removed), for indexes and sync. */
  listActiveDevices(): Promise<DeviceRecord[]>;
  /** The image filter needs the approved images (ztp.images.approved). */
  listDevices(
    query: ZtpDeviceListQuery,
    approvedImages?: readonly ZtpImageApproval[],
  ): Promise<DeviceListResult>;
  summary(): Promise<ZtpQueueSummary>;
  facets(): Promise<{ sites: string[]; platforms: string[] }>;

  /** Declaration hash and expected serial of every device in the queue. */
  listActiveDeclarations(): Promise<
    Map<string, { declarationHash: string; expectedSerial: string }>
  >;
  insertDevice(device: NewDevice, event: NewEvent): Promise<void>;
  /** Inserts many devices in one transaction (the catalog import). */
  insertDevices(
    entries: { device: NewDevice; event: NewEvent }[],
  ): Promise<void>;
  updateDeclaration(
    device: DeclaredDevice & {
      expectedSerial: string;
      localPasswordHash?: string;
    },
    event: NewEvent,
  ): Promise<void>;
  markRemoved(entityRefs: string[], at: Date): Promise<void>;

  /**
   * Records Conf Min fetches in one transaction (group commit): state Loaded,
   * time, source address, count, and a timeline event for each.
   */
  recordFetches(fetches: ConfMinFetch[]): Promise<void>;

  /**
   * Takes the right to check a device's serial until leaseUntil and
   * returns the device as claimed (one statement); undefined when another
   * worker (or replica) holds it.
   */
  claimSerialCheck(
    entityRef: string,
    owner: string,
    now: Date,
    leaseUntil: Date,
    options?: SerialCheckClaimOptions,
  ): Promise<DeviceRecord | undefined>;
  /** claimSerialCheck for several devices, in order (one SQLite transaction). */
  claimSerialChecks(
    entityRefs: readonly string[],
    owner: string,
    now: Date,
    leaseUntil: Date,
    options?: SerialCheckClaimOptions,
  ): Promise<(DeviceRecord | undefined)[]>;
  /** Devices that are Loaded, not Checked, and due for a (re)check. */
  listDueSerialChecks(now: Date, limit: number): Promise<string[]>;
  completeSerialCheck(
    entityRef: string,
    owner: string,
    outcome: SerialCheckOutcome,
    /** Left out for a retry that repeats the previous failure. */
    event?: NewEvent,
  ): Promise<void>;
  /** completeSerialCheck for several devices (one SQLite transaction). */
  completeSerialChecks(
    completions: readonly SerialCheckCompletion[],
  ): Promise<void>;
  /**
   * Ends a claimed check that did not log in: the lease and any retry are
   * cleared, the serial state is kept, and the event (if any) is written.
   */
  releaseSerialCheck(
    entityRef: string,
    owner: string,
    event?: NewEvent,
  ): Promise<void>;
  /** Schedules a check for now (after Conf Min Loaded, or on request). */
  scheduleSerialCheck(entityRef: string, at: Date): Promise<void>;

  /**
   * Sets the expected serial to correction.serial if it still is
   * `replacing` (compare-and-set), makes the last verdict stale and
   * schedules a check. False when another correction came first.
   */
  saveSerialCorrection(
    correction: SerialCorrection,
    replacing: string,
    event: NewEvent,
  ): Promise<boolean>;
  listSerialCorrections(): Promise<SerialCorrection[]>;

  /**
   * Pins the host key the device presented at its last check, if it still
   * is `presented` (compare-and-set), and schedules a check. False when the
   * device presented another key meanwhile, or none is waiting.
   */
  acceptHostKey(
    entityRef: string,
    presented: string,
    event: NewEvent,
  ): Promise<boolean>;
  /**
   * Keeps the host key a device presented instead of the pinned one (seen
   * outside a serial check: by a push) for an operator to accept.
   */
  recordPresentedHostKey(entityRef: string, presented: string): Promise<void>;

  setConfFinal(
    entityRef: string,
    state: { state: DeviceRecord['confFinalState']; error?: string },
    event?: NewEvent,
  ): Promise<void>;

  /** Records the software a device runs (read with its serial check). */
  recordSoftwareVersion(
    entityRef: string,
    software: { version: string; model?: string },
    at?: Date,
  ): Promise<void>;

  addEvent(event: NewEvent): Promise<void>;
  listEvents(entityRef: string, limit: number): Promise<EventRecord[]>;
  lastEvents(entityRefs: string[]): Promise<Map<string, EventRecord>>;
  pruneEvents(before: Date): Promise<number>;

  recordUnknownDevices(
    probes: { sourceIp: string; identifier: string; at: Date; count: number }[],
  ): Promise<void>;
  listUnknownDevices(limit: number): Promise<UnknownDeviceRecord[]>;
  pruneUnknownDevices(before: Date): Promise<number>;
}
