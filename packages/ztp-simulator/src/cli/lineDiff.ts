/** One line of a diff: kept (' '), removed ('-') or added ('+'). */
export type DiffLine = { op: ' ' | '-' | '+'; text: string };

/** A line diff by longest common subsequence (configurations are small). */
export function diffLines(before: string[], after: string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () =>
    new Array<number>(m + 1).fill(0),
  );
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] =
        before[i] === after[j]
          ? lcs[i + 1][j + 1] + 1
          : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (before[i] === after[j]) {
      out.push({ op: ' ', text: before[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      out.push({ op: '-', text: before[i++] });
    } else {
      out.push({ op: '+', text: after[j++] });
    }
  }
  while (i < n) out.push({ op: '-', text: before[i++] });
  while (j < m) out.push({ op: '+', text: after[j++] });
  return out;
}

/** A unified diff with three lines of context, as EOS and diff -u print. */
export function unifiedDiff(
  before: string[],
  after: string[],
  fromLabel: string,
  toLabel: string,
): string {
  const diff = diffLines(before, after);
  if (diff.every(d => d.op === ' ')) return '';
  const context = 3;
  const out = [`--- ${fromLabel}`, `+++ ${toLabel}`];
  let index = 0;
  while (index < diff.length) {
    if (diff[index].op === ' ') {
      index++;
      continue;
    }
    // Grow a hunk around consecutive changes closer than 2 * context lines.
    const start = Math.max(0, index - context);
    let end = index;
    while (end < diff.length) {
      if (diff[end].op !== ' ') {
        end++;
        continue;
      }
      let gap = end;
      while (gap < diff.length && diff[gap].op === ' ') gap++;
      if (gap < diff.length && gap - end <= context * 2) end = gap;
      else break;
    }
    const stop = Math.min(diff.length, end + context);
    const hunk = diff.slice(start, stop);
    const oldStart = diff.slice(0, start).filter(d => d.op !== '+').length + 1;
    const newStart = diff.slice(0, start).filter(d => d.op !== '-').length + 1;
    const oldCount = hunk.filter(d => d.op !== '+').length;
    const newCount = hunk.filter(d => d.op !== '-').length;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const d of hunk) out.push(`${d.op}${d.text}`);
    index = stop;
  }
  return `${out.join('\n')}\n`;
}
