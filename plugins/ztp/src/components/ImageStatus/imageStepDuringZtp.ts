import type { ZtpDevice } from '@ztp-portal/backstage-plugin-ztp-common';

/** What the device last reported of the image it takes while it boots. */
export type ImageStepDuringZtp = { failed: boolean; words: string };

const PROGRESS = /^software image: /;
const NOT_TAKEN =
  /^software image not taken; the device keeps its old image and goes on: /;

/**
 * The image step a booting device reported last (its agent takes the
 * approved image during ZTP), while that report is still its latest news:
 * before its version is read again by the serial check.
 */
export function imageStepDuringZtp(
  device: ZtpDevice,
): ImageStepDuringZtp | undefined {
  const event = device.lastEvent;
  if (!event) return undefined;
  const readAt = device.software?.readAt;
  if (readAt && Date.parse(readAt) >= Date.parse(event.at)) return undefined;
  if (event.type === 'bootstrap.image-failed') {
    return { failed: true, words: event.message.replace(NOT_TAKEN, '') };
  }
  if (event.type === 'bootstrap.progress' && PROGRESS.test(event.message)) {
    return { failed: false, words: event.message.replace(PROGRESS, '') };
  }
  return undefined;
}
