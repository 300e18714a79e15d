import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  FrameParser,
  frameBatch,
  frameCommand,
  NOT_RUN,
  parseReady,
  ReadyParser,
  readyCommand,
} from '../../../../core/connection/ssh/framing.js';

const T = 'RUNNER-END-0123456789abcdef01234567';

describe('persistent shell framing', () => {
  it('frames a command without stdin: subshell, quoted, stdin from /dev/null', () => {
    expect(frameCommand({ command: "echo 'x'", env: { A: 'b c' } }, T)).toBe(
      `( export A='b c'; eval 'echo '\\''x'\\''' ) </dev/null; __runner_rc=$?; printf '\\n%s %d\\n' '${T}' "$__runner_rc"; printf '\\n%s\\n' '${T}' >&2\n`,
    );
  });

  it('sends stdin base64-encoded in a quoted here-doc, so the shell expands nothing', () => {
    const framed = frameCommand({ command: 'cat', stdin: Buffer.from('$HOME `id` \0') }, T);
    expect(framed).toContain(`base64 -d <<'RUNNER_STDIN_`);
    expect(framed).not.toContain('$HOME');
    expect(framed).toContain(Buffer.from('$HOME `id` \0').toString('base64'));
  });

  it('recovers stdout, stderr and the exit code across arbitrary chunk boundaries', () => {
    const stdout = Buffer.from(`line one\nno newline at end\n${T} 42\n`);
    const stderr = Buffer.from(`warn\n\n${T}\n`);
    for (let cut = 1; cut < stdout.length; cut += 3) {
      const p = new FrameParser(T);
      p.pushStdout(stdout.subarray(0, cut));
      expect(p.result()).toBeUndefined();
      p.pushStdout(stdout.subarray(cut));
      p.pushStderr(stderr.subarray(0, 5));
      expect(p.result()).toBeUndefined();
      p.pushStderr(stderr.subarray(5));
      const r = p.result();
      expect(r?.exitCode).toBe(42);
      expect(r?.stdout.toString()).toBe('line one\nno newline at end');
      expect(r?.stderr.toString()).toBe('warn\n');
    }
  });

  it('does not end on a marker from another command', () => {
    const p = new FrameParser(T);
    p.pushStdout(Buffer.from('\nRUNNER-END-ffffffffffffffffffffffff 0\n'));
    p.pushStderr(Buffer.from(`\n${T}\n`));
    expect(p.result()).toBeUndefined();
  });

  it('finds the ready line after whatever rc files printed', () => {
    expect(readyCommand(T)).toContain(`'${T}'`);
    expect(parseReady(`welcome!\n${T} 1 4242\n`, T)).toEqual({ base64: true, pid: 4242 });
    expect(parseReady(`${T} 0 \n`, T)).toEqual({ base64: false });
    expect(parseReady(`${T} 1`, T)).toBeUndefined();
  });

  it('splits a first command written behind the ready line from what rc files printed, across chunks', () => {
    const p = new ReadyParser(T);
    // rc file noise, the ready line split in two chunks, then the first command's output in the same chunk.
    expect(p.pushStdout(Buffer.from(`pyenv: hi\n${T} 1 `)).length).toBe(0);
    expect(p.ready).toBeUndefined();
    expect(p.pushStdout(Buffer.from(`77\nhello\n${T} 0\n`)).toString()).toBe(`hello\n${T} 0\n`);
    expect(p.ready).toEqual({ base64: true, pid: 77 });
    expect(p.pushStdout(Buffer.from('more')).toString()).toBe('more');
    // stderr: the rc file's warning is dropped up to the marker, the command's stderr kept.
    expect(p.pushStderr(Buffer.from('cannot rehash\n')).length).toBe(0);
    expect(p.pushStderr(Buffer.from(`${T}\nboom\n`)).toString()).toBe('boom\n');
    expect(p.pushStderr(Buffer.from('x')).toString()).toBe('x');
  });

  it('chains a batch in the shell: a failing command stops the rest, unless it may fail', () => {
    const tokens = ['RUNNER-END-a', 'RUNNER-END-b', 'RUNNER-END-c', 'RUNNER-END-d'];
    // Run by a real /bin/sh reading the batch on stdin, as the host's persistent shell does;
    // then each stream is split frame by frame, each parser handing what follows its marker on.
    const split = (frames: Parameters<typeof frameBatch>[0]) => {
      const mine = tokens.slice(0, frames.length);
      const shell = spawnSync('/bin/sh', [], { input: frameBatch(frames, mine) });
      let out: Buffer = shell.stdout;
      let err: Buffer = shell.stderr;
      return mine.map((token) => {
        const p = new FrameParser(token);
        p.pushStdout(out);
        p.pushStderr(err);
        out = p.stdoutRest();
        err = p.stderrRest();
        const r = p.result()!;
        return { rc: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
      });
    };
    expect(
      split([
        { command: 'echo one; echo e1 >&2' },
        { command: 'echo two; exit 3' },
        { command: 'echo three' },
      ]),
    ).toEqual([
      { rc: 0, out: 'one\n', err: 'e1\n' },
      { rc: 3, out: 'two\n', err: '' },
      { rc: NOT_RUN, out: '', err: '' },
    ]);
    expect(
      split([
        { command: 'echo one' },
        { command: 'false', continueOnError: true },
        { command: 'echo three', env: { X: "it's" } },
        { command: 'printf %s "$X"' },
      ]),
    ).toEqual([
      { rc: 0, out: 'one\n', err: '' },
      { rc: 1, out: '', err: '' },
      { rc: 0, out: 'three\n', err: '' },
      { rc: 0, out: '', err: '' },
    ]);
  });
});
