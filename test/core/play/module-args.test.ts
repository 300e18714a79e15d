import { describe, expect, it } from 'vitest';
import { resolveTaskArgs, splitShellWords } from '../../../core/play/module-args.js';

const freeForm = { freeForm: 'cmd', run: async () => ({ changed: false }) };
const keyed = { run: async () => ({ changed: false }) };

describe('module args', () => {
  it('gives a free-form string to the module free-form arg, under the args keyword', () => {
    expect(
      resolveTaskArgs({ name: 't', module: 'shell', rawArgs: 'echo hi', args: { chdir: '/tmp' } }, freeForm),
    ).toEqual({
      cmd: 'echo hi',
      chdir: '/tmp',
    });
  });

  it('splits key=value strings shell-style for other modules', () => {
    expect(
      resolveTaskArgs({ name: 't', module: 'file', rawArgs: 'path="/tmp/a b" state=touch', args: {} }, keyed),
    ).toEqual({ path: '/tmp/a b', state: 'touch' });
    expect(() => resolveTaskArgs({ name: 't', module: 'file', rawArgs: 'oops', args: {} }, keyed)).toThrow(
      'module "file" expects key=value args, got "oops"',
    );
  });

  it('merges a mapping over the args keyword', () => {
    expect(
      resolveTaskArgs({ name: 't', module: 'x', rawArgs: { a: 1 }, args: { a: 0, b: 2 } }, keyed),
    ).toEqual({
      a: 1,
      b: 2,
    });
  });

  it('splits words like a POSIX shell', () => {
    expect(splitShellWords(`a "b c" 'd e' f\\ g "h\\"i" ''`)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i', '']);
  });
});
