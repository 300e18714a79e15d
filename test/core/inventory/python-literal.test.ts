import { describe, expect, it } from 'vitest';
import { iniValue } from '../../../core/inventory/source-ini.js';

// Each row was checked against Python 3.11's ast.literal_eval as ansible-core's INI plugin uses it.
describe('INI values (Python literals or text)', () => {
  it.each<[string, unknown]>([
    ['42', 42],
    ['-7', -7],
    ['0x1F', 31],
    ['0o17', 15],
    ['1_000', 1000],
    ['1e3', 1000],
    ['00', 0],
    ['010', '010'],
    ['True', true],
    ['None', null],
    ['yes', 'yes'],
    ['false', 'false'],
    ["'quoted'", 'quoted'],
    ["'a' 'b'", 'ab'],
    ['[1, "two", 3.0]', [1, 'two', 3]],
    ["{'a': 1, 2: [True]}", { a: 1, '2': [true] }],
    ['(1, 2)', [1, 2]],
    ['(1)', 1],
    ['1,', [1]],
    ['1+2', '1+2'],
    ['1+2j', '1+2j'],
    ['5 # comment', 5],
    ["'tab\\there'", 'tab\there'],
    ["r'raw\\n'", 'raw\\n'],
    ["b'bytes'", "b'bytes'"],
    ['', ''],
  ])('%s -> %j', (text, value) => {
    expect(iniValue(text)).toEqual(value);
  });
});
