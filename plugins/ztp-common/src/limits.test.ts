import { textInputProblem, ZTP_INPUT_LIMITS } from './limits';
import { SERIAL_PATTERN } from './validation';

describe('input limits', () => {
  it('accepts text within the limit and says what is wrong otherwise', () => {
    expect(textInputProblem('hostname', 'leaf-01', 253)).toBeUndefined();
    expect(textInputProblem('X-Arista-Serial', 'A'.repeat(65), 64)).toBe(
      'X-Arista-Serial is 65 characters long; the longest accepted is 64',
    );
    expect(textInputProblem('hostname', 'a\u0000b', 253)).toBe(
      'hostname contains the control character U+0000, which is not accepted',
    );
    expect(textInputProblem('q', 'a\nb', 10)).toMatch(/U\+000A/);
    expect(textInputProblem('q', 'a\u007fb', 10)).toMatch(/U\+007F/);
  });

  it('leave room for every serial and hostname the catalog accepts', () => {
    expect(SERIAL_PATTERN.test('A'.repeat(ZTP_INPUT_LIMITS.serial))).toBe(
      false,
    );
    expect(SERIAL_PATTERN.test('A'.repeat(40))).toBe(true);
    expect(ZTP_INPUT_LIMITS.unknownIdentifier).toBe(
      'hostname '.length + ZTP_INPUT_LIMITS.hostname,
    );
  });
});
