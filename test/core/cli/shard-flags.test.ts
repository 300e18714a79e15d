import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scopeFromFlags } from '../../../core/cli/shard-flags.js';
import { runCli } from '../../support/cli.js';

let dir: string;
const HOSTS = Array.from({ length: 30 }, (_, i) => `web${String(i).padStart(2, '0')}`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-shard-'));
  writeFileSync(
    join(dir, 'inv.yml'),
    `all:\n  children:\n    web:\n      hosts:\n${HOSTS.map((h) => `        ${h}:\n`).join('')}    db:\n      hosts:\n        db1:\n`,
  );
  writeFileSync(
    join(dir, 'site.yml'),
    '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n',
  );
});

const listed = (stdout: string) =>
  stdout
    .split('\n')
    .slice(stdout.split('\n').findIndex((l) => /hosts \(\d+\):/.test(l)) + 1)
    .map((l) => l.trim())
    .filter(Boolean);

describe('runner play --shard', () => {
  it('--list-hosts shows each shard its own hosts after --limit; together they are the limited hosts', async () => {
    const shards: string[][] = [];
    for (let k = 1; k <= 4; k++) {
      const run = await runCli(
        ['play', 'site.yml', '-i', 'inv.yml', '--limit', 'web', '--list-hosts', '--shard', `${k}/4`],
        {
          cwd: dir,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      shards.push(listed(run.stdout));
    }
    expect(shards.flat().sort()).toEqual(HOSTS);
    for (const s of shards) expect(s.length).toBeGreaterThan(0);
    // The 0-based form from a Kubernetes Indexed Job names the same shard.
    const k8s = await runCli(
      ['play', 'site.yml', '-i', 'inv.yml', '-l', 'web', '--list-hosts', '--shard-count', '4'],
      {
        cwd: dir,
        env: { JOB_COMPLETION_INDEX: '1' },
      },
    );
    expect(listed(k8s.stdout)).toEqual(shards[1]);
  });

  it("runs only the shard's hosts, and journals its recap where `runner recap` looks by default", async () => {
    // No --journal: the run's `_recap` goes to the local journal ($RUNNER_JOURNAL_DIR), the place
    // `runner recap` reads without --journal, so one machine's shards need no flag to meet.
    const journal = mkdtempSync(join(tmpdir(), 'runner-shard-journal-'));
    const env = { RUNNER_JOURNAL_DIR: journal };
    const run = await runCli(
      ['play', 'site.yml', '-i', 'inv.yml', '-c', 'local', '--shard', '3/4', '--json'],
      { cwd: dir, env },
    );
    expect(run.code, run.stderr).toBe(0);
    const end = run.events.find((e) => e.type === 'run.end');
    const list = await runCli(['play', 'site.yml', '-i', 'inv.yml', '--list-hosts', '--shard', '3/4'], {
      cwd: dir,
    });
    expect(end?.type === 'run.end' && end.recap.hosts.map((h) => h.host)).toEqual(listed(list.stdout).sort());
    expect(readdirSync(journal)).toEqual(['_recap']);
    const recap = await runCli(['recap'], { cwd: dir, env });
    for (const host of listed(list.stdout))
      expect(recap.stdout).toMatch(new RegExp(`^${host}\\s+: ok=1`, 'm'));
    expect(recap.stdout).toMatch(/shard 3\/4: done/);
    expect(recap.stdout).toMatch(/shard 1\/4: missing/);
    // The other shards never ran: the run is not whole.
    expect(recap.code).toBe(1);
  });

  it('refuses a bad shard in one line with exit 2', async () => {
    for (const args of [
      ['--shard', '5/4'],
      ['--shard', 'a/b'],
      ['--shard-index', '1'],
      ['--shard-count', '4', '--shard-index', '4'],
    ]) {
      const run = await runCli(['play', 'site.yml', '-i', 'inv.yml', '--list-hosts', ...args], {
        cwd: dir,
        env: { JOB_COMPLETION_INDEX: '' },
      });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^runner: (--shard|\$JOB)/);
    }
  });
});

describe('run scope flags', () => {
  const inputs = { playbook: 'register', inventories: ['fleet.yml'] };
  it('gives every shard of a run the same derived run ID, and none to a plain local run', () => {
    const a = scopeFromFlags({ shard: '1/4' }, inputs);
    const b = scopeFromFlags({ shardIndex: '3', shardCount: '4' }, inputs);
    expect(a.id).toBe(b.id);
    expect(a.id).toMatch(/^run-/);
    expect(scopeFromFlags({}, inputs).id).toBeUndefined();
    expect(scopeFromFlags({ journal: 's3://bucket/p/' }, inputs).id).toMatch(/^run-/);
    expect(scopeFromFlags({ shard: '1/4', runId: 'nightly-7' }, inputs).id).toBe('nightly-7');
  });
  it('refuses a bad run ID, journal or API rate', () => {
    expect(() => scopeFromFlags({ runId: '../x' }, inputs)).toThrow(/^--run-id "\.\.\/x"/);
    expect(() => scopeFromFlags({ journal: 's3://Bad_Bucket/x' }, inputs)).toThrow(
      /^--journal "s3:\/\/Bad_Bucket\/x"/,
    );
    expect(() => scopeFromFlags({ apiRate: '0' }, inputs)).toThrow(/^--api-rate "0"/);
    expect(scopeFromFlags({ apiRate: '12.5' }, inputs).apiRate).toBe(12.5);
  });
});
