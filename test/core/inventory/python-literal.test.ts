import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
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
    // Either side of the shortcut that keeps words and addresses as text without parsing them.
    ['True,False', [true, false]],
    ['None, 1', [null, 1]],
    ['Truex', 'Truex'],
    ['r5', 'r5'],
    ['deploy', 'deploy'],
    ["u'x'", 'x'],
    ['R"a\\b"', 'a\\b'],
    ['rb"x"', 'rb"x"'],
    ['10.0.0.1', '10.0.0.1'],
    ['1..2', '1..2'],
    ['1.5', 1.5],
    ['.5', 0.5],
  ])('%s -> %j', (text, value) => {
    expect(iniValue(text)).toEqual(value);
  });
});

// Python itself as the oracle, on texts made of the characters that decide
// what a value starts with (words, True/False/None, string prefixes, quotes,
// digits and dots): runner keeps exactly the texts Python refuses as text.
describe('INI values against ast.literal_eval', () => {
  it('agree with python3 on 2,000 generated texts', () => {
    const alphabet = fc.constantFrom(...'TrueNonFalsbRuU10._ \'",x()'.split(''));
    const texts = fc.sample(fc.string({ unit: alphabet, minLength: 1, maxLength: 7 }), {
      numRuns: 2000,
      seed: 15,
    });
    const python = [
      'import ast, json, sys',
      'def plain(v):',
      '    if isinstance(v, (bytes, complex, set)): raise ValueError',
      '    if isinstance(v, (list, tuple)): return [plain(x) for x in v]',
      '    return v',
      'for line in sys.stdin:',
      '    text = json.loads(line)',
      '    try: print(json.dumps({"value": plain(ast.literal_eval(text.lstrip(" \\t")))}))',
      '    except Exception: print(json.dumps({}))',
    ].join('\n');
    const out = execFileSync('python3', ['-c', python], {
      input: texts.map((t) => JSON.stringify(t)).join('\n'),
      encoding: 'utf8',
    });
    const answers = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { value?: unknown });
    expect(answers).toHaveLength(texts.length);
    const differ = texts.filter((text, i) => {
      const expected = 'value' in answers[i]! ? answers[i]!.value : text;
      return JSON.stringify(iniValue(text)) !== JSON.stringify(expected);
    });
    expect(differ).toEqual([]);
  });
});
