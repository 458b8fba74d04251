import type { ZtpImageState } from './images';

/** Conf Min: has the device fetched its minimal configuration? @public */
export type ConfMinState = 'not-loaded' | 'loaded';

/** Serial: has the device's chassis serial been verified over SSH? @public */
export type SerialState = 'not-checked' | 'mismatch' | 'checked';

/** Conf Final: the production configuration push. @public */
export type ConfFinalState = 'not-pushed' | 'pushing' | 'pushed' | 'failed';

/** A device in the ZTP queue, as the portal API returns it. @public */
export type ZtpDevice = {
  /** resource:<namespace>/<name> */
  entityRef: string;
  namespace: string;
  name: string;
  title?: string;
  site?: string;
  role?: string;
  platform: string;
  /** Management address with prefix length, e.g. 127.0.10.11/24 */
  managementAddress: string;
  /** The management IP alone, e.g. 127.0.10.11 */
  managementIp: string;
  defaultGateway?: string;
  sshPort: number;
  macAddress?: string;
  hostname: string;
  /** The serial the catalog expects (the "Wrong serial" while in Mismatch). */
  expectedSerial: string;
  serialTemporary: boolean;
  /** False once the device left the catalog; its history is kept. */
  inCatalog: boolean;
  confMin: {
    state: ConfMinState;
    loadedAt?: string;
    loadedFrom?: string;
    fetchCount: number;
  };
  serial: {
    state: SerialState;
    /** The serial the device presented over SSH (or in a ZTP header). */
    presentedSerial?: string;
    checkedAt?: string;
    /** Why the last check did not conclude (unreachable, auth refused...). */
    reason?: string;
    /** Whether a check is running or scheduled now. */
    checking: boolean;
    attempts: number;
    /** The host key pinned at first contact (OpenSSH SHA256: fingerprint). */
    hostKeyFingerprint?: string;
    /**
     * Another host key the device presented at its last check: checks and
     * pushes stop until an operator accepts it.
     */
    presentedHostKeyFingerprint?: string;
  };
  confFinal: {
    state: ConfFinalState;
    pushedAt?: string;
    error?: string;
  };
  /** Username of the generated local account; the password needs a reveal. */
  localUsername: string;
  /** Set from a replacement or re-provision until the device is Provisioned again. */
  replacement?: ZtpReplacementMarker;
  /** Set while the device has not moved for too long in a state where it should. */
  stuck?: ZtpStuckFlag;
  /** The software it runs, read with its last serial check (see images). */
  software?: { runningVersion: string; model?: string; readAt?: string };
  lastEvent?: ZtpEvent;
  updatedAt: string;
};

/** @public */
export type ZtpEventType =
  | 'device.added'
  | 'device.updated'
  | 'device.removed'
  | 'confmin.fetched'
  | 'bootstrap.progress'
  | 'bootstrap.failed'
  | 'bootstrap.image-failed'
  | 'serial.header-mismatch'
  | 'serial.check-started'
  | 'serial.checked'
  | 'serial.mismatch'
  | 'serial.check-failed'
  | 'serial.check-refused'
  | 'serial.corrected'
  | 'serial.host-key-accepted'
  | 'credentials.revealed'
  | 'device.replaced'
  | 'device.reprovisioned'
  | 'replacement.serial-learned'
  | 'conffinal.push-started'
  | 'conffinal.pushed'
  | 'conffinal.failed'
  | 'image.downloaded'
  | 'image.download-failed'
  | 'image.upgrade-started'
  | 'image.upgrade-step'
  | 'image.upgraded'
  | 'image.upgrade-failed'
  | 'conffinal.image-override';

/** One line of a device's timeline. @public */
export type ZtpEvent = {
  id: number;
  entityRef: string;
  at: string;
  type: ZtpEventType;
  /** user:default/jane, device:127.0.10.11, or system */
  actor: string;
  message: string;
  details?: Record<string, unknown>;
};

/** Counters shown above the dashboard table. @public */
export type ZtpQueueSummary = {
  total: number;
  loaded: number;
  mismatched: number;
  checked: number;
  pushed: number;
};

/** @public */
export type ZtpDeviceSortField =
  | 'name'
  | 'site'
  | 'platform'
  | 'managementIp'
  | 'updatedAt';

/** Query of GET /devices. @public */
export type ZtpDeviceListQuery = {
  offset?: number;
  limit?: number;
  confMin?: ConfMinState;
  serial?: SerialState;
  confFinal?: ConfFinalState;
  site?: string;
  platform?: string;
  /** Image compliance (the Image column), computed by the server. */
  image?: ZtpImageState;
  /** Free text over name, title, hostname, serials, MAC and address. */
  q?: string;
  orderBy?: ZtpDeviceSortField;
  order?: 'asc' | 'desc';
  /** Include devices that left the catalog (default false). */
  includeRemoved?: boolean;
};

/** @public */
export type ZtpDeviceList = {
  items: ZtpDevice[];
  totalCount: number;
  summary: ZtpQueueSummary;
  facets: { sites: string[]; platforms: string[] };
};

/** @public */
export type ZtpDeviceDetails = {
  device: ZtpDevice;
  events: ZtpEvent[];
};

/** The generated local account, returned only by the audited reveal call. @public */
export type ZtpLocalAccount = {
  username: string;
  password: string;
};

/** Outcome of a serial check run on demand. @public */
export type ZtpSerialCheckResult = {
  outcome: SerialState;
  device: ZtpDevice;
  /** Set when the check could not conclude. */
  reason?: string;
  /**
   * False when the check ended without logging in (a Provisioned device is
   * never logged in to); the reason says why. The outcome is then the state
   * from before.
   */
  loggedIn?: boolean;
};

/** Rendered final configuration and its diff against the running one. @public */
export type ZtpFinalConfigPreview = {
  rendered: string;
  running?: string;
  diff?: string;
  /** Why the running configuration could not be read. */
  runningError?: string;
};

/** @public */
export type ZtpPushResult = {
  ok: boolean;
  device: ZtpDevice;
  error?: string;
  rolledBack?: boolean;
};

/**
 * A bulk push of final configurations, as any backend replica reports it.
 * @public
 */
export type ZtpBulkPushJob = {
  id: string;
  /** Who started it (user entity ref). */
  actor?: string;
  total: number;
  done: number;
  failed: number;
  running: boolean;
  startedAt?: string;
  finishedAt?: string;
  /**
   * The backend running the job stopped before it ended: these devices
   * were not pushed by it (their own Conf Final state says where they are).
   */
  interrupted?: { notPushed: string[] };
  results: { entityRef: string; ok: boolean; error?: string }[];
};

/**
 * Requests for a minimal configuration from a device that matches no declared
 * device, grouped by source address and identifier. Row of
 * GET /unknown-devices. @public
 */
export type ZtpUnknownDevice = {
  /** The address the requests came from, e.g. 127.0.0.9 */
  sourceIp: string;
  /**
   * What the device was looked up by: "mac 52:54:00:aa:bb:cc",
   * "hostname leaf-99", "serial FOC2148Z0AB" or "address 127.0.0.9".
   */
  identifier: string;
  /** Number of requests seen. */
  count: number;
  /** ISO time of the first request. */
  firstSeen: string;
  /** ISO time of the latest request. */
  lastSeen: string;
};

/**
 * A device declaration the catalog refused, with what is wrong in it. A
 * declaration the catalog never accepted is nowhere else to be seen. @public
 */
export type ZtpDeclarationProblem = {
  entityRef: string;
  /** Where it is declared, e.g. url:https://… or file:/…/devices.yaml. */
  location?: string;
  problems: string[];
  firstSeen: string;
  lastSeen: string;
};

/** Body of GET /declaration-problems. @public */
export type ZtpDeclarationProblemList = { items: ZtpDeclarationProblem[] };

/** One installed platform, as the portal's pages and forms show it. @public */
export type ZtpPlatform = {
  /** The ztp.network/platform value. */
  id: string;
  displayName: string;
  /** Conf Final can render and push its devices. */
  finalConfig: boolean;
};

/** GET /platforms: the platforms the backend's modules installed. @public */
export type ZtpPlatformList = { items: ZtpPlatform[] };

/** Body of GET /unknown-devices: newest first, at most 200 rows. @public */
export type ZtpUnknownDeviceList = {
  items: ZtpUnknownDevice[];
};

/**
 * A replaced (RMA) or re-provisioned device on its way back: what was done,
 * by whom, and what happens once it is Checked. @public
 */
export type ZtpReplacementMarker = {
  kind: 'replacement' | 'reprovision';
  requestedBy: string;
  requestedAt: string;
  /** The serial of the box before (a replacement's old box). */
  previousSerial: string;
  /** The new box's serial is taken from its ZTP header or its SSH check. */
  learnSerial: boolean;
  /** Conf Final is pushed by itself once Checked (ztp.replacement.autoPush). */
  autoPush: boolean;
};

/** A device that has not moved for too long. @public */
export type ZtpStuckFlag = {
  /** Since when nothing happened to it (its last timeline event). */
  since: string;
  minutes: number;
  /** Where it stopped, in the product's words. */
  state: string;
};

/** Body of POST /devices/:namespace/:name/replace. @public */
export type ZtpReplaceRequest = {
  /** The new box's serial; left out to learn it (header or SSH check). */
  newSerial?: string;
  /** The new box's MAC; left out to keep the declared one. */
  newMacAddress?: string;
};

/** Body of POST /devices/:namespace/:name/reprovision. @public */
export type ZtpReprovisionRequest = { reason: string };

/** One refused line of a replacement list. @public */
export type ZtpReplacementCsvProblem = { line: number; message: string };

/** A replacement list as validated: every line's problems, or what it will do. @public */
export type ZtpReplacementCsvCheck = {
  ok: boolean;
  problems: ZtpReplacementCsvProblem[];
  rows: {
    line: number;
    entityRef: string;
    newSerial: string;
    newMacAddress?: string;
  }[];
};

/** A replacement list applied as one job, as any replica reports it. @public */
export type ZtpReplacementJob = {
  id: string;
  actor: string;
  total: number;
  done: number;
  failed: number;
  running: boolean;
  startedAt: string;
  finishedAt?: string;
  results: { entityRef: string; ok: boolean; error?: string }[];
};

/** Body of GET /stuck-devices. @public */
export type ZtpStuckDeviceList = {
  /** ztp.stuck.afterMinutes */
  afterMinutes: number;
  items: ZtpDevice[];
};
