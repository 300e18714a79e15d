import { describe, expect, it } from 'vitest';
import { splitShellWords, UnterminatedQuoteError } from '../../core/shell-words.js';

describe('splitShellWords', () => {
  it('groups quotes, removes them and honours backslashes', () => {
    expect(splitShellWords(`a "b c" 'd e' f\\ g "h\\"i" ''`)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i', '']);
  });

  it('keeps jinja blocks whole only when asked', () => {
    expect(splitShellWords('path={{ a b }}/x mode=0644', { jinja: true })).toEqual([
      'path={{ a b }}/x',
      'mode=0644',
    ]);
    expect(splitShellWords('path={{ a b }}/x')).toEqual(['path={{', 'a', 'b', '}}/x']);
  });

  it('inside double quotes escapes only what sh escapes with posixDoubleQuotes', () => {
    expect(splitShellWords('"a\\nb"')).toEqual(['anb']);
    expect(splitShellWords('"a\\nb \\$x"', { posixDoubleQuotes: true })).toEqual(['a\\nb $x']);
  });

  it('closes an open quote at the end, or refuses it when strict', () => {
    expect(splitShellWords(`a 'b c`)).toEqual(['a', 'b c']);
    expect(() => splitShellWords(`a 'b c`, { strict: true })).toThrow(UnterminatedQuoteError);
    expect(() => splitShellWords(`a "b`, { strict: true })).toThrow('unterminated " quote');
  });
});
