import { createHash } from 'node:crypto';

/**
 * Serials of the parts inside a chassis (power supplies, fans, line cards)
 * derived from the chassis serial, so they are stable for one device and
 * change when the hardware is swapped.
 */
export function partSerial(
  chassisSerial: string,
  part: string,
  prefix: string,
  length: number,
): string {
  const digest = createHash('sha256')
    .update(`${chassisSerial}/${part}`)
    .digest();
  const alphabet = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';
  let out = prefix;
  for (let i = 0; out.length < length; i++) {
    out += alphabet[digest[i % digest.length] % alphabet.length];
  }
  return out;
}

/** A stable pseudo-random number in [0, range) for a device and a purpose. */
export function stableNumber(seed: string, range: number): number {
  const digest = createHash('sha256').update(seed).digest();
  return digest.readUInt32BE(0) % range;
}

/** aa:bb:cc:dd:ee:ff -> aabb.ccdd.eeff */
export function macDotted(mac: string): string {
  const hex = mac.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8, 12)}`;
}

/** aa:bb:cc:dd:ee:ff -> AABBCCDDEEFF */
export function macBareUpper(mac: string): string {
  return mac.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

/** Normalises a MAC in any common notation to aa:bb:cc:dd:ee:ff. */
export function normalizeMacAddress(value: string): string | undefined {
  const hex = value.trim().replace(/[.:-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

/** A MAC for a device that declares none, stable per name. */
export function derivedMac(seed: string): string {
  const digest = createHash('sha256').update(`mac/${seed}`).digest();
  // Locally administered, unicast.
  const bytes = [0x02, digest[1], digest[2], digest[3], digest[4], digest[5]];
  return bytes.map(b => b.toString(16).padStart(2, '0')).join(':');
}

export type Uptime = {
  weeks: number;
  days: number;
  totalDays: number;
  hours: number;
  minutes: number;
  seconds: number;
  totalSeconds: number;
};

export function uptimeSince(bootedAt: Date, now = new Date()): Uptime {
  const totalSeconds = Math.max(
    0,
    Math.floor((now.getTime() - bootedAt.getTime()) / 1000),
  );
  const totalDays = Math.floor(totalSeconds / 86400);
  return {
    weeks: Math.floor(totalDays / 7),
    days: totalDays % 7,
    totalDays,
    hours: Math.floor((totalSeconds % 86400) / 3600),
    minutes: Math.floor((totalSeconds % 3600) / 60),
    seconds: totalSeconds % 60,
    totalSeconds,
  };
}

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "12:01:07 UTC Mon Nov 24 2026", as IOS prints times. */
export function iosTime(date: Date): string {
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(
    date.getUTCSeconds(),
  )} UTC ${DAYS[date.getUTCDay()]} ${
    MONTHS[date.getUTCMonth()]
  } ${date.getUTCDate()} ${date.getUTCFullYear()}`;
}

/** "Mon Nov 24 12:01:07 2026", as NX-OS and EOS print times. */
export function unixTime(date: Date): string {
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(
    date.getUTCDate(),
  )} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(
    date.getUTCSeconds(),
  )} ${date.getUTCFullYear()}`;
}

/** "2026-11-24 12:01:07 UTC", as Junos prints times. */
export function junosTime(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(
    date.getUTCDate(),
  )} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(
    date.getUTCSeconds(),
  )} UTC`;
}

/** Left-aligns `text` in a column of `width` characters. */
export function col(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}
