import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localConnectionFactory } from '../../../../core/connection/index.js';
import { hostSpec, runOptions, tempDir } from '../support.js';

describe('local connection', () => {
  const dir = tempDir();
  const conn = localConnectionFactory.create(hostSpec('localhost'), runOptions(dir));
  afterAll(async () => {
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs commands with the same result shape as ssh', async () => {
    const r = await conn.exec('cat; echo "$X" >&2; exit 2', { stdin: 'in', env: { X: 'y' } });
    expect(r).toMatchObject({ exitCode: 2, stdout: 'in', stderr: 'y\n', timedOut: false });
  });

  it('kills a command that outlives its timeout', async () => {
    const r = await conn.exec('sleep 30', { timeoutMs: 200 });
    expect(r).toMatchObject({ exitCode: null, timedOut: true });
  });

  it('puts files atomically with their mode', async () => {
    const path = join(dir, 'f.txt');
    await conn.put('data', path, { mode: 0o600 });
    expect(readFileSync(path, 'utf8')).toBe('data');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
