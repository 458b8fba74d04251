/** One word of a command line and where it starts. */
export type Token = { text: string; start: number };

/** Splits a command line into words; double quotes group words. */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    const start = i;
    let text = '';
    while (i < line.length && !/\s/.test(line[i])) {
      if (line[i] === '"') {
        const end = line.indexOf('"', i + 1);
        const stop = end === -1 ? line.length : end;
        text += line.slice(i + 1, stop);
        i = stop + 1;
      } else {
        text += line[i++];
      }
    }
    tokens.push({ text, start });
  }
  return tokens;
}

/**
 * Splits "command | filter | filter" at the pipes outside quotes, keeping
 * each part's offset in the line for error markers.
 */
export function splitPipes(line: string): Token[] {
  const parts: Token[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === '|' && !quoted) {
      parts.push({ text: line.slice(start, i), start });
      start = i + 1;
    }
  }
  parts.push({ text: line.slice(start), start });
  return parts;
}
