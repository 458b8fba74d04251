import type { CommandSpec } from '../../cli/commandMatcher';
import {
  beginAt,
  countLines,
  excludeLines,
  includeLines,
  sectionOf,
} from '../../cli/textFilters';
import type { ExecContext, PipeCommand } from './CiscoStyleShell';

/** Output filters of the IOS-like CLIs; options add the platform's extras. */
export function ciscoPipes(options: {
  section?: boolean;
  json?: boolean;
  noMore?: boolean;
}): Array<CommandSpec<PipeCommand>> {
  const pipes: Array<CommandSpec<PipeCommand>> = [
    {
      pattern: 'include <re...>',
      value: { kind: 'filter', apply: c => includeLines(c.text, c.args.re) },
    },
    {
      pattern: 'exclude <re...>',
      value: { kind: 'filter', apply: c => excludeLines(c.text, c.args.re) },
    },
    {
      pattern: 'begin <re...>',
      value: { kind: 'filter', apply: c => beginAt(c.text, c.args.re) },
    },
    {
      pattern: 'count <re...>',
      value: {
        kind: 'filter',
        apply: c =>
          `Number of lines which match regexp = ${countLines(
            includeLines(c.text, c.args.re),
          )}\n`,
      },
    },
  ];
  if (options.section) {
    pipes.push({
      pattern: 'section <re...>',
      value: { kind: 'filter', apply: c => sectionOf(c.text, c.args.re) },
    });
  }
  if (options.json) {
    pipes.push({ pattern: 'json', value: { kind: 'format', format: 'json' } });
  }
  if (options.noMore) {
    pipes.push({ pattern: 'no-more', value: { kind: 'no-more' } });
  }
  return pipes;
}

/** "terminal length N": 0 turns paging off. */
export function setLength(ctx: ExecContext, max = 512): string {
  const value = ctx.args.n;
  if (!/^\d+$/.test(value) || Number(value) > max) return ctx.invalidWord(2);
  ctx.io.pageLength = Number(value);
  return '';
}
