import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shQuote } from '../../../../core/connection/quote.js';
import { commandBody, runsDirectly } from '../../../../core/connection/ssh/direct-command.js';

/**
 * Runs `bodies` one after another in ONE real /bin/sh, as the persistent shell
 * does (script on stdin, each body's stdin from /dev/null), and returns what
 * each printed and its exit code, plus whether the shell lived to the end.
 */
function inOneShell(bodies: string[]): { outputs: string[]; survived: boolean } {
  const script = bodies.map((body) => `${body} </dev/null; printf '@@%d@@' $?\n`).join('');
  const run = spawnSync('/bin/sh', [], { input: `${script}echo SURVIVED\n`, encoding: 'utf8', cwd: '/' });
  // Each body's output followed by its exit code: "out@@0@@".
  const outputs = [...run.stdout.matchAll(/([\s\S]*?@@\d+@@)/g)].map((m) => m[1]!);
  return { outputs, survived: run.stdout.endsWith('SURVIVED\n') };
}

describe('running a plain command without a subshell', () => {
  it('takes programs and side-effect-free builtins with plain or single-quoted arguments, and nothing else', () => {
    for (const yes of [
      'uname -s',
      'id -u',
      'systemctl restart nginx',
      "mkdir -p '/opt/my app'",
      '/usr/bin/env',
      'test -d /tmp && echo yes',
      '[ -f /etc/os-release ] || echo missing',
      'dpkg -l | grep nginx',
      'uname -s; id -u',
      "echo 'a b'",
    ]) {
      expect(runsDirectly(yes), yes).toBe(true);
    }
    for (const no of [
      'cd /tmp', // changes the shell
      'exit 3',
      'export A=1',
      'exec ls', // would replace the persistent shell
      'test -d /tmp && cd /tmp', // a list with one command that changes the shell
      'uname -s; exit 3',
      "printf -v x '%s' 1", // bash's printf can assign a variable
      ': x', // a special builtin
      'A=1 env', // an assignment
      'ls $HOME', // expansion
      'ls *.txt', // a glob
      'ls a[bc]',
      'sleep 9 & echo started', // a background job
      'uname -s &&', // an operator without a command after it
      '; uname -s',
      'uname -s && && id',
      'uname > /tmp/x', // a redirection
      'ls "a b"', // double quotes can hold expansions
      'uname -s\nid', // a newline
      'ls ~', // tilde expansion
      'ls # comment',
      '',
    ]) {
      expect(runsDirectly(no), JSON.stringify(no)).toBe(false);
    }
    // The escalated shell starts directly too; the empty probe command is the no-op builtin.
    expect(runsDirectly("sudo -H -S -p 'x y' -u 'root' -- /bin/sh -c 'echo ok; exec /bin/sh'")).toBe(true);
    expect(commandBody('', undefined)).toBe(':');
    // A list runs as one group, so the redirection after it covers every command in it.
    expect(commandBody('test -d /tmp && echo yes', undefined)).toBe('{ test -d /tmp && echo yes; }');
    // Variables cannot prefix a list, and would outlive a builtin: those keep the subshell.
    expect(commandBody('uname -s; id -u', { A: '1' })).toBe("( export A=1; eval 'uname -s; id -u' )");
    expect(commandBody('echo hi', { A: '1' })).toBe("( export A=1; eval 'echo hi' )");
    // A variable name a shell would not take is refused either way, never quoted into the command.
    expect(() => commandBody('uname -s', { 'A B': 'x' })).toThrow('invalid environment variable name: "A B"');
    expect(() => commandBody('cd /tmp', { 'A;B': 'x' })).toThrow('invalid environment variable name: "A;B"');
  });

  it('gives a real /bin/sh the same output and exit code as the subshell it replaces, env included', () => {
    const env = { RUNNER_TEST_V: "it's a value" };
    const commands = [
      'uname -s',
      "sh -c 'exit 7'",
      "/usr/bin/printf '[%s]' 'a  b' c,d:e",
      'env',
      'ls /no/such/dir',
      'no-such-program-here',
    ];
    const lists = [
      'test -d /tmp && echo yes',
      'test -d /no/such && echo yes',
      '[ -d / ] && [ -d /no/such ] || echo neither',
      '[ -d /', // test's own error, not the shell's
      'uname -s | tr a-z A-Z; false',
      "echo 'a  b' | cat; pwd",
      'cat', // reads /dev/null, never the shell's own stdin
      'true | cat && echo piped',
    ];
    const direct = inOneShell(commands.map((c) => commandBody(c, env)));
    const subshell = inOneShell(
      commands.map((c) => `( export RUNNER_TEST_V=${shQuote(env.RUNNER_TEST_V)}; eval ${shQuote(c)} )`),
    );
    expect(commands.filter((c) => runsDirectly(c))).toHaveLength(6);
    expect(lists.filter((c) => runsDirectly(c))).toHaveLength(lists.length);
    const listsDirect = inOneShell([...lists.map((c) => commandBody(c, undefined)), 'printf %s "$PWD"']);
    const listsSubshell = inOneShell([...lists.map((c) => `( eval ${shQuote(c)} )`), 'printf %s "$PWD"']);
    expect(listsDirect).toEqual(listsSubshell);
    expect(listsDirect.outputs).toContain('yes\n@@0@@');
    expect(listsDirect.survived).toBe(true);
    // A program not found says so either way (with "eval:" in the subshell's message); the rest is identical.
    const comparable = (o: string[]) => o.map((s) => s.replace(/^.*not found\n/m, 'NOT FOUND\n'));
    expect(comparable(direct.outputs)).toEqual(comparable(subshell.outputs));
    expect(direct.outputs.join('')).toContain("RUNNER_TEST_V=it's a value");
    expect(direct.survived).toBe(true);
  });

  it('keeps the persistent shell alive and unchanged whatever the command (generated)', () => {
    // No `&`: a background job could print after the probe below (`&` is refused in the table above).
    const word = fc.oneof(
      fc.stringMatching(/^[a-z0-9./-]{1,6}$/),
      fc.stringMatching(/^[a-z0-9$*?;|'"`~#(){}[\]=\\ -]{1,6}$/),
    );
    const head = fc.constantFrom(
      '/usr/bin/printf %s,',
      'echo',
      'test',
      '[',
      'true',
      'cd',
      'exit',
      'read',
      ':',
    );
    const operator = fc.constantFrom(' && ', ' || ', '; ', ' | ', ' ', '\n');
    let direct = 0;
    const simple = fc
      .tuple(head, fc.array(word, { maxLength: 3 }))
      .map(([h, args]) => [h, ...args].join(' '));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(simple, operator), { minLength: 1, maxLength: 3 }),
        simple,
        (parts, last) => {
          const command = parts.map(([c, op]) => c + op).join('') + last;
          const body = commandBody(command, undefined);
          const probe = inOneShell([body, 'printf %s "$PWD:$RUNNER_LEAK"']);
          expect(probe.survived).toBe(true);
          expect(probe.outputs[1]).toBe('/:@@0@@');
          if (runsDirectly(command)) {
            direct++;
            const viaEval = inOneShell([`( eval ${shQuote(command)} )`]);
            expect(probe.outputs[0]).toBe(viaEval.outputs[0]);
          }
        },
      ),
      { numRuns: 80 },
    );
    // The generator reaches the direct form, lists included, not only the subshell.
    expect(direct).toBeGreaterThan(0);
  });
});
