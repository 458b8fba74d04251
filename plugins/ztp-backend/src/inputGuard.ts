import { InputError } from '@backstage/errors';
import {
  textInputProblem,
  ZTP_INPUT_LIMITS,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type express from 'express';

/** Longest query parameter value any route reads (the search text is 200). */
const MAX_QUERY_VALUE = 1024;

// In bodies, line breaks and tabs may be meant (problem messages); other
// control characters never are, and a NUL cannot be stored in PostgreSQL.
// eslint-disable-next-line no-control-regex
const BODY_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function checkBody(value: unknown, where: string): string | undefined {
  if (typeof value === 'string') {
    const control = BODY_CONTROL.exec(value);
    if (!control) return undefined;
    const code = control[0].charCodeAt(0).toString(16).toUpperCase();
    return `${where} contains the control character U+${code.padStart(
      4,
      '0',
    )}, which is not accepted`;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const path = where === 'the body' ? key : `${where}.${key}`;
      const problem =
        checkBody(key, `a field name in ${where}`) ??
        checkBody(item, path === key ? `body field ${key}` : path);
      if (problem) return problem;
    }
  }
  return undefined;
}

function checkQuery(value: unknown, name: string): string | undefined {
  if (typeof value === 'string') {
    return textInputProblem(
      `query parameter ${name.slice(0, 40)}`,
      value,
      MAX_QUERY_VALUE,
    );
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem =
        textInputProblem('a query parameter name', key, 100) ??
        checkQuery(item, name ? `${name}.${key}` : key);
      if (problem) return problem;
    }
  }
  return undefined;
}

/**
 * Refuses, before any route reads it, user input that no route could use
 * and that could only fail further in: control characters anywhere (a NUL
 * makes PostgreSQL fail the statement), malformed percent-encoding and
 * over-long segments in the path, over-long query values. Routes check
 * their own fields on top (schemas, serial and reference formats). The
 * device door, when also served on the plugin router (/provision), answers
 * devices and checks their input itself, counting unknown devices.
 */
export const rejectUnusableInput: express.RequestHandler = (
  req,
  _res,
  next,
) => {
  if (req.path.startsWith('/provision/')) {
    next();
    return;
  }
  for (const segment of req.path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new InputError(
        `malformed percent-encoding in the path segment "${segment.slice(
          0,
          80,
        )}"`,
      );
    }
    const problem = textInputProblem(
      'a path segment',
      decoded,
      ZTP_INPUT_LIMITS.entityRef,
    );
    if (problem) throw new InputError(problem);
  }
  const problem =
    checkQuery(req.query, '') ??
    (req.body === undefined ? undefined : checkBody(req.body, 'the body'));
  if (problem) throw new InputError(problem);
  next();
};
