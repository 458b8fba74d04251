import { ConfigInterpreter } from './ConfigInterpreter';
import { type ConfigNode, emptyConfig } from './ConfigTree';
import type { CiscoStyleGrammar, ErrorFormatter } from './grammar';

/**
 * Reads a whole configuration file into a tree, as a device loads its
 * startup configuration. The errors say which lines the grammar rejected.
 */
export function parseConfigText(
  text: string,
  grammar: CiscoStyleGrammar,
  formatError: ErrorFormatter,
  into: ConfigNode = emptyConfig(),
): { root: ConfigNode; errors: string[] } {
  const interpreter = new ConfigInterpreter(grammar, into);
  const errors: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const result = interpreter.feed(lines[i]);
    if (result.kind === 'end') break;
    if (result.kind === 'error') {
      const message = formatError(
        { kind: result.error, token: result.token },
        result.offset,
      )
        .split('\n')
        .filter(l => l.trim() && l.trim() !== '^')
        .join(' ');
      errors.push(`line ${i + 1}: "${lines[i].trim()}": ${message}`);
    }
  }
  if (interpreter.readingText) {
    errors.push('the configuration ends inside a banner');
  }
  return { root: into, errors };
}
