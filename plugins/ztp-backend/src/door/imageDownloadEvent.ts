import type { NewEvent } from '../database/types';
import type { ImageDownloadRecord } from './ImageDownloads';

function mib(bytes: number) {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** A download as a line of the device's timeline. */
export function imageDownloadEvent(d: ImageDownloadRecord): NewEvent {
  const seconds = d.durationMs / 1000;
  const rate = seconds > 0 ? `, ${mib(d.bytes / seconds)}/s` : '';
  const part = d.offset > 0 ? ` from byte ${d.offset} (resumed)` : '';
  return {
    entityRef: d.entityRef,
    type:
      d.outcome === 'complete' ? 'image.downloaded' : 'image.download-failed',
    actor: `device:${d.sourceIp}`,
    message:
      d.outcome === 'complete'
        ? `Downloaded image ${d.file} (${d.version})${part}: ${mib(
            d.bytes,
          )} in ${seconds.toFixed(1)} s${rate}`
        : `Image download of ${d.file} (${
            d.version
          })${part} interrupted after ${mib(d.bytes)} of ${mib(
            d.expectedBytes,
          )} (${seconds.toFixed(
            1,
          )} s); the device may resume it with a Range request`,
    details: {
      file: d.file,
      version: d.version,
      bytes: d.bytes,
      expectedBytes: d.expectedBytes,
      offset: d.offset,
      durationMs: d.durationMs,
      outcome: d.outcome,
    },
  };
}
