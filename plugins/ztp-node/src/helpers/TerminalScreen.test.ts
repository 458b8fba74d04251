import { TerminalScreen } from './TerminalScreen';

function screenOf(...chunks: string[]) {
  const screen = new TerminalScreen();
  for (const chunk of chunks) screen.write(chunk);
  return screen;
}

describe('TerminalScreen', () => {
  it('splits CRLF output into lines and keeps the unfinished one apart', () => {
    const screen = screenOf('one\r\ntwo  \r\nleaf-01#');
    expect(screen.linesFrom(0)).toEqual(['one', 'two']);
    expect(screen.currentLine).toBe('leaf-01#');
  });

  it('applies backspaces and carriage returns as a screen would', () => {
    const screen = screenOf(
      ' --More-- ',
      '\b\b\b\b\b\b\b\b\b         \b\b\b\b\b\b\b\b\b',
      'next\n',
    );
    expect(screen.linesFrom(0)).toEqual([' next']);
    expect(screenOf('abcdef\rXY\n').linesFrom(0)).toEqual(['XYcdef']);
  });

  it('drops colours and applies erase-line, even split across chunks', () => {
    const screen = screenOf('\x1b[1mbold\x1b', '[0m text\r\x1b', '[Kclean\n');
    expect(screen.linesFrom(0)).toEqual(['clean']);
    expect(screenOf('\x1b[7m--More--\x1b[27m').currentLine).toBe('--More--');
  });

  it('blanks out a pager prompt so that no erase style leaves a trace', () => {
    for (const erase of [
      '\b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\b',
      '\r          \r',
      '\r\x1b[K',
      '',
    ]) {
      const screen = screenOf('text --More-- ');
      expect(screen.blankOut(/\s*--More--\s*$/)).toBe(true);
      expect(screen.currentLine).toBe('text');
      screen.write(`${erase}more\n`);
      const line = screen.linesFrom(0)[0];
      expect(line.endsWith('more')).toBe(true);
      expect(line).not.toContain('More');
    }
  });

  it('ignores bells and other control characters, keeps tabs', () => {
    expect(screenOf('a\x07b\tc\x00\n').linesFrom(0)).toEqual(['ab\tc']);
  });
});
