/** Output filters shared by the simulated CLIs ("| include", "| match"...). */

function toRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

function lines(text: string): string[] {
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

function join(out: string[]): string {
  return out.length ? `${out.join('\n')}\n` : '';
}

export function includeLines(text: string, pattern: string): string {
  const re = toRegExp(pattern);
  return join(lines(text).filter(l => re.test(l)));
}

export function excludeLines(text: string, pattern: string): string {
  const re = toRegExp(pattern);
  return join(lines(text).filter(l => !re.test(l)));
}

export function beginAt(text: string, pattern: string): string {
  const re = toRegExp(pattern);
  const all = lines(text);
  const index = all.findIndex(l => re.test(l));
  return index === -1 ? '' : join(all.slice(index));
}

/** IOS "| section": matching top-level lines with their indented children. */
export function sectionOf(text: string, pattern: string): string {
  const re = toRegExp(pattern);
  const out: string[] = [];
  let keep = false;
  for (const line of lines(text)) {
    if (/^\S/.test(line)) keep = re.test(line);
    else if (!keep && re.test(line)) out.push(line);
    if (keep) out.push(line);
  }
  return join(out);
}

export function countLines(text: string): number {
  return lines(text).length;
}
