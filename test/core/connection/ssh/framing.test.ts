import { describe, expect, it } from 'vitest';
import {
  FrameParser,
  frameCommand,
  parseReady,
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
    expect(parseReady(`welcome!\n${T} 1 4242\n`, T)).toEqual({ base64: true, pgid: 4242 });
    expect(parseReady(`${T} 0 \n`, T)).toEqual({ base64: false });
    expect(parseReady(`${T} 1`, T)).toBeUndefined();
  });
});
