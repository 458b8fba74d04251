import { ResponseError } from '@backstage/errors';
import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago", "yesterday", "now": how long ago an ISO time was. */
export function formatRelativeTime(iso: string, now: number = Date.now()) {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (Math.abs(seconds) < 10) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) {
      return relative.format(Math.round(seconds / size), unit);
    }
  }
  return relative.format(seconds, 'second');
}

/** Full local date and time, for tooltips and the timeline. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/**
 * Says in words what went wrong: the backend's own message when the error
 * came from it (ResponseError), otherwise the error's message.
 */
export function describeError(error: unknown): string {
  if (ResponseError.is(error)) {
    const message = error.cause?.message;
    return message && message !== error.message
      ? message
      : `The ZTP backend answered ${error.statusCode} ${error.statusText}`.trim();
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** HTTP status of a failed API call, if it came from the backend. */
export function statusOf(error: unknown): number | undefined {
  return ResponseError.is(error) ? error.statusCode : undefined;
}

/** The command line that opens an SSH session with the device's local account. */
export function sshCommand(
  device: Pick<ZtpDevice, 'managementIp' | 'sshPort'>,
  username: string,
): string {
  const port =
    device.sshPort && device.sshPort !== 22 ? `-p ${device.sshPort} ` : '';
  return `ssh ${port}${username}@${device.managementIp}`;
}

/** What a device is called on screen. */
export function deviceLabel(device: Pick<ZtpDevice, 'title' | 'name'>) {
  return device.title || device.name;
}
