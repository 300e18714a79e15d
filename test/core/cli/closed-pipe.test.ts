import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../../support/cli.js';

/**
 * `runner … | head -1`: the reader goes away before runner has said all it
 * has. Here the read end is closed before runner writes anything, so every
 * write meets EPIPE, whatever the timing: runner must end quietly (no stack
 * trace, no "internal error") with the code a shell gives a tool SIGPIPE ended.
 */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('a closed output pipe', () => {
  it('ends runner inventory list quietly', async () => {
    const r = await withClosedStdout(['inventory', 'list', '-i', 'inventories/local.yml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(141);
  });

  it('ends runner play quietly', async () => {
    const r = await withClosedStdout(['play', 'docs/examples/hello.yml', '-i', 'inventories/local.yml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(141);
  });
});
