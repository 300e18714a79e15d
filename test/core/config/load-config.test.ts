import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mock from 'mock-fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config/load-config.js';
import { isRunnerError } from '../../../core/errors.js';

afterEach(() => mock.restore());

// cosmiconfig requires its JSON and YAML parsers on first use; load them from
// the real disk before mock-fs hides node_modules.
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-config-warm-'));
  writeFileSync(join(dir, 'a.json'), '{}');
  writeFileSync(join(dir, 'b.yaml'), 'forks: 1\n');
  await loadConfig({ cwd: dir, file: 'a.json' });
  await loadConfig({ cwd: dir, file: 'b.yaml' });
});

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isRunnerError(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('config discovery', () => {
  it('finds runner.config.json in the current directory', async () => {
    mock({ '/proj/package.json': '{"name":"p"}', '/proj/runner.config.json': '{"forks": 7}' });
    const loaded = await loadConfig({ cwd: '/proj' });
    expect(loaded).toMatchObject({ config: { forks: 7 }, file: '/proj/runner.config.json', dir: '/proj' });
  });

  it('finds .runnerrc (YAML) and package.json#runner, searching up to the project root', async () => {
    mock({
      '/proj/package.json': '{"name":"p"}',
      '/proj/.runnerrc': 'forks: 3\nhostKeyChecking: strict\n',
      '/proj/sub/x': '',
    });
    expect((await loadConfig({ cwd: '/proj/sub' })).config).toEqual({ forks: 3, hostKeyChecking: 'strict' });
    mock({ '/proj2/package.json': JSON.stringify({ name: 'p', runner: { inventory: 'inv.yml' } }) });
    expect((await loadConfig({ cwd: '/proj2' })).config).toEqual({ inventory: 'inv.yml' });
  });

  it('returns an empty config when there is none', async () => {
    mock({ '/empty/package.json': '{"name":"p"}' });
    expect((await loadConfig({ cwd: '/empty' })).config).toEqual({});
  });

  it('names the file and the key of an invalid value', async () => {
    mock({ '/proj/package.json': '{}', '/proj/runner.config.yaml': 'forks: many\n' });
    const error = await errorOf(loadConfig({ cwd: '/proj' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.oneLine()).toBe(
      '/proj/runner.config.yaml: forks: Invalid input: expected number, received string',
    );
  });

  it('names an unknown key', async () => {
    mock({ '/proj/package.json': '{}', '/proj/runner.config.json': '{"forkz": 1}' });
    expect((await errorOf(loadConfig({ cwd: '/proj' }))).oneLine()).toBe(
      '/proj/runner.config.json: unknown key "forkz" at (top level)',
    );
  });

  it('refuses a host key mode it does not know', async () => {
    mock({ '/proj/package.json': '{}', '/proj/runner.config.json': '{"hostKeyChecking": "yes"}' });
    expect((await errorOf(loadConfig({ cwd: '/proj' }))).message).toMatch(/^hostKeyChecking: /);
  });

  it('says so when an explicit config file is missing', async () => {
    mock({ '/proj/package.json': '{}' });
    const error = await errorOf(loadConfig({ cwd: '/proj', file: 'nope.json' }));
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.oneLine()).toBe('/proj/nope.json: config file not found: /proj/nope.json');
  });

  it('prints a YAML error whole, with the file, line and column', async () => {
    mock({ '/proj/package.json': '{}', '/proj/.runnerrc.yml': 'forks: 5\nreporter: [a\nvars: x\n' });
    const error = await errorOf(loadConfig({ cwd: '/proj' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.oneLine()).toBe(
      '/proj/.runnerrc.yml:3:1: cannot read config: missed comma between flow collection entries',
    );
  });

  it('prints a JSON error whole, with the file', async () => {
    mock({ '/proj/package.json': '{}', '/proj/.runnerrc.json': '{ "forks": 5,\n  "reporter": }\n' });
    const line = (await errorOf(loadConfig({ cwd: '/proj' }))).oneLine();
    expect(line).toMatch(
      /^\/proj\/\.runnerrc\.json: cannot read config: Unexpected token '\}'.* is not valid JSON/,
    );
  });
});
