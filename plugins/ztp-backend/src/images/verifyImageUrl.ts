import type { ImageSpec } from './settings';
import {
  compareWithApproved,
  digestsOf,
  type ImageFileState,
} from './imageVerification';

/** How long the image server may take to start answering. */
const ANSWER_TIMEOUT_MS = 30_000;

function problem(
  spec: ImageSpec,
  status: 'missing' | 'unreadable',
  why: string,
): ImageFileState {
  return { status, problem: `${spec.file} at ${spec.url}: ${why}` };
}

/**
 * Verifies an image the devices download from another HTTP server than
 * the door (ztp.images.approved[].url): a HEAD says whether it changed
 * since verified (length, ETag, Last-Modified), and only then is it
 * downloaded once and hashed, as a file in the directory is.
 */
export async function verifyImageUrl(
  spec: ImageSpec & { url: string },
  before: ImageFileState | undefined,
): Promise<ImageFileState> {
  let head: Response;
  try {
    head = await fetch(spec.url, {
      method: 'HEAD',
      redirect: 'follow',
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
  } catch (error) {
    return problem(spec, 'unreadable', `not reachable (${causeOf(error)})`);
  }
  if (head.status === 404 || head.status === 410) {
    return problem(spec, 'missing', `the server answered HTTP ${head.status}`);
  }
  if (!head.ok) {
    return problem(
      spec,
      'unreadable',
      `the server answered HTTP ${head.status}`,
    );
  }
  const identity = [
    head.headers.get('content-length') ?? '',
    head.headers.get('etag') ?? '',
    head.headers.get('last-modified') ?? '',
  ].join('/');
  // The same bytes as last time: verified or refused already.
  if (before?.identity === identity && before.status !== 'unreadable') {
    return before;
  }
  const controller = new AbortController();
  const answerTimer = setTimeout(() => controller.abort(), ANSWER_TIMEOUT_MS);
  try {
    const res = await fetch(spec.url, {
      redirect: 'follow',
      signal: controller.signal,
    });
    clearTimeout(answerTimer);
    if (!res.ok || !res.body) {
      res.body?.cancel().catch(() => {});
      return problem(
        spec,
        res.status === 404 || res.status === 410 ? 'missing' : 'unreadable',
        `the server answered HTTP ${res.status}`,
      );
    }
    const actual = await digestsOf(
      res.body as unknown as AsyncIterable<Uint8Array>,
      spec.md5 !== undefined,
    );
    return compareWithApproved(spec, actual, identity);
  } catch (error) {
    return {
      ...problem(spec, 'unreadable', `the download failed (${causeOf(error)})`),
      identity,
    };
  } finally {
    clearTimeout(answerTimer);
  }
}

function causeOf(error: unknown): string {
  const e = error as { message?: string; cause?: { message?: string } };
  return e?.cause?.message ?? e?.message ?? String(error);
}
