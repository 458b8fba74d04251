// Text helpers of the CLI session: prompt patterns and command output.

/** The pattern without the flags that make `test` stateful. */
export function withoutGlobalFlags(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
}

/**
 * Matches a pager prompt at the end of the line being written, with the
 * blanks around it (" --More-- ") so that none of it is left behind.
 */
export function atLineEnd(pattern: RegExp): RegExp {
  const source = pattern.source.replace(/^\^/, '').replace(/\\s\*\$$|\$$/, '');
  return new RegExp(
    `\\s*(?:${source})\\s*$`,
    pattern.flags.replace(/[gy]/g, ''),
  );
}

/** Drops blank lines around the output; keeps the inside as the device wrote it. */
export function trimBlankLines(lines: string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  return lines.slice(start, end).join('\n');
}
