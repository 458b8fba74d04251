import type { IncomingHttpHeaders } from 'node:http';

/** A request head the door can answer. */
export type RequestHead = {
  method: string;
  /** The request target as sent: printable ASCII, still percent-encoded. */
  url: string;
  headers: IncomingHttpHeaders;
};

/** Why a head cannot be answered: the status and a sentence for the client. */
export type HeadProblem = { status: 400 | 431 | 505; message: string };

// RFC 9110 token characters (method and header names).
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const VERSION = /^HTTP\/(\d)\.(\d)$/;

function problem(message: string, status: HeadProblem['status'] = 400) {
  return { status, message: `${message}\n` };
}

/**
 * Where the head of a request ends in what has arrived (the index after its
 * blank line), or -1 while it has not. Lines end in CRLF; a lone LF is
 * recognised too, as RFC 9112 allows.
 */
export function headEnd(bytes: Buffer): number {
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) {
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/**
 * Reads one request head (request line and header fields, up to its blank
 * line) strictly, as RFC 9112 describes it: devices send plain HTTP/1.x, and
 * whatever is not is answered with what is wrong rather than guessed at.
 * Only printable ASCII is accepted (other bytes in a path are
 * percent-encoded, and no header the door reads carries more), so nothing is
 * reinterpreted on its way to the database.
 */
export function parseRequestHead(head: Buffer): RequestHead | HeadProblem {
  for (let i = 0; i < head.length; i++) {
    const byte = head[i];
    if (byte >= 0x7f || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a)) {
      if (byte === 0x0d && head[i + 1] === 0x0a) continue;
      return problem(
        `bad request: byte 0x${byte
          .toString(16)
          .padStart(
            2,
            '0',
          )} at offset ${i}; the request line and headers must be printable ASCII (percent-encode other bytes in the path)`,
      );
    }
  }
  const lines = head.toString('latin1').split(/\r?\n/);
  // A client may send blank lines before its request (RFC 9112 section 2.2).
  while (lines.length && lines[0] === '') lines.shift();
  const requestLine = lines.shift() ?? '';
  const parts = requestLine.split(' ');
  if (parts.length !== 3 || !TOKEN.test(parts[0]) || !parts[1]) {
    return problem(
      'bad request: the request line must be "<METHOD> <path> HTTP/1.1"',
    );
  }
  const [method, url, version] = parts;
  const v = VERSION.exec(version);
  if (!v) {
    return problem(`bad request: "${version}" is not an HTTP version`);
  }
  if (v[1] !== '1') {
    return problem(
      `HTTP version ${v[1]}.${v[2]} not supported: use HTTP/1.1`,
      505,
    );
  }
  const headers: Record<string, string> = {};
  for (const line of lines) {
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      return problem(
        'bad request: a header line starts with white space (obsolete line folding)',
      );
    }
    const colon = line.indexOf(':');
    if (colon < 0) {
      return problem(
        `bad request: header line "${line.slice(0, 40)}" has no colon`,
      );
    }
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) {
      return problem(
        `bad request: "${name.slice(0, 40)}" is not a header name`,
      );
    }
    const key = name.toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
  }
  // The door answers once the head is in and reads no body; a length it
  // cannot read, or a chunked body, is refused rather than waited for.
  const length = headers['content-length'];
  if (length !== undefined && !/^\d+$/.test(length)) {
    return problem(
      `bad request: Content-Length "${length.slice(
        0,
        40,
      )}" is not a number of bytes`,
    );
  }
  if (headers['transfer-encoding'] !== undefined) {
    return problem(
      'bad request: the device door takes no request body (Transfer-Encoding)',
    );
  }
  return { method, url, headers };
}

/** Whether parseRequestHead found something wrong. */
export function isHeadProblem(
  head: RequestHead | HeadProblem,
): head is HeadProblem {
  return 'status' in head;
}
