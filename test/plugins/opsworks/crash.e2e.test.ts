import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../core/output/events.js';
import { BIN, recapOf, runCli } from '../../support/cli.js';
import { type RegisterFixture, registerFixture } from './support.js';

/**
 * `kill -9` of the runner at three points of `runner play register` (during
 * Agent credentials, during the install, during the wait), then the same
 * command again: every host registered, no orphaned IAM user, no access key
 * that no host's agent holds, no `+N` user, no temp dir left on a host. The
 * kill moment is decided from the run's own NDJSON events, never a sleep.
 */
const HOSTS = 10;
const AWS = '/usr/bin/aws';
let fx: RegisterFixture;

beforeAll(async () => {
  fx = await registerFixture({ hosts: HOSTS, ec2Share: 0 });
});
afterAll(async () => {
  await fx?.sb.stop();
});

function registerArgs(): string[] {
  return [
    'play',
    'register',
    '-i',
    fx.inventory,
    '--known-hosts',
    fx.sb.knownHostsFile,
    '-e',
    `opsworks_stack_id=${fx.sb.stackId}`,
    '-e',
    'opsworks_os_updates=remind',
    '--json',
  ];
}

/** Runs the real CLI and SIGKILLs it when `when` first holds for the events so far. */
function runAndKill(
  env: Record<string, string>,
  when: (events: RunEvent[]) => boolean,
): Promise<{ killed: boolean; events: RunEvent[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...registerArgs()], {
      env: { ...process.env, CI: '1', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: RunEvent[] = [];
    let buffer = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the run did not reach its kill point in time\n${stderr}`));
    }, 900_000);
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.on('data', (d) => {
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) events.push(JSON.parse(line) as RunEvent);
      if (!killed && when(events)) {
        killed = child.kill('SIGKILL');
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ killed, events, stderr });
    });
  });
}

const startedTask = (events: RunEvent[], task: string) =>
  events.filter((e) => e.type === 'host.task.start' && e.task === task).length;
const finishedTask = (events: RunEvent[], task: string) =>
  events.filter((e) => e.type === 'host.task.result' && e.result.task === task).length;

function awsIam(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      AWS,
      ['--endpoint-url', fx.sb.endpoint, '--output', 'json', 'iam', ...args],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: fx.work,
          AWS_ACCESS_KEY_ID: fx.sb.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: fx.sb.credentials.secretAccessKey,
          AWS_DEFAULT_REGION: fx.sb.region,
          AWS_PAGER: '',
        },
        timeout: 300_000,
      },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

/** The access key ID each host's agent holds (read from its agent config in the sandbox). */
function heldKeys(): Map<string, string> {
  const held = new Map<string, string>();
  for (const h of fx.sb.hosts) {
    const file = join(h.root, 'etc/aws/opsworks/instance-agent.yml');
    if (!existsSync(file)) continue;
    const m = /^:access_key_id: (.+)$/m.exec(readFileSync(file, 'utf8'));
    if (m) held.set(h.name, JSON.parse(m[1]!) as string);
  }
  return held;
}

const POINTS: { name: string; when: (events: RunEvent[]) => boolean }[] = [
  // Some hosts have their IAM user and key, the rest are half way through IAM.
  { name: 'during agent credentials', when: (e) => finishedTask(e, 'Agent credentials') >= 1 },
  // Some hosts registered, others mid-install with a preconfig on disk.
  { name: 'during the install', when: (e) => finishedTask(e, 'Install agent and register') >= 1 },
  // Most hosts registered and waiting.
  { name: 'during the wait', when: (e) => startedTask(e, 'Wait until registered') >= HOSTS / 2 },
];

describe('SIGKILL at three points, then the same command again', () => {
  for (const point of POINTS) {
    it(`${point.name}: every host registered, nothing orphaned, no +N user`, async () => {
      await fx.sb.reset();
      const journalDir = mkdtempSync(join(tmpdir(), 'runner-journal-'));
      // IAM slowed so the kill lands inside the step it names.
      fx.sb.setFaults({ latencyMs: { iam: 300, opsworks: 200 } });
      const env = {
        ...fx.sb.envVars(),
        AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
        RUNNER_JOURNAL_DIR: journalDir,
      };
      const first = await runAndKill(env, point.when);
      expect(first.killed, first.stderr).toBe(true);
      expect(first.events.some((e) => e.type === 'run.end')).toBe(false);

      fx.sb.setFaults({ latencyMs: {} });
      const second = await fx.register([], { env: { RUNNER_JOURNAL_DIR: journalDir } });
      expect(second.code, second.stderr).toBe(0);
      expect(recapOf(second).hosts.filter((h) => h.status !== 'ok')).toEqual([]);

      const state = fx.sb.state();
      const registered = state.instances.filter((i) => i.Status === 'registered');
      expect(registered).toHaveLength(HOSTS);
      expect(new Set(registered.map((i) => i.Hostname)).size).toBe(HOSTS);
      expect(state.instances).toHaveLength(HOSTS);
      const held = heldKeys();
      expect(held.size).toBe(HOSTS);
      const users = state.iam.users.filter((u) => u.UserName.startsWith('OpsWorks-'));
      // One user per host, named as the CLI names it the first time: no `+1`.
      expect(users.map((u) => u.UserName).sort()).toEqual(
        fx.sb.hosts.map((h) => `OpsWorks-runner-sandbox-${h.name}`).sort(),
      );
      // Every access key is held by a host's agent: none orphaned, none doubled.
      const keys = users.flatMap((u) => u.accessKeys.map((k) => k.AccessKeyId));
      expect(keys.sort()).toEqual([...held.values()].sort());

      // The same, seen through Debian's AWS CLI.
      if (existsSync(AWS)) {
        const listed = JSON.parse(await awsIam('list-users', '--path-prefix', '/AWS/OpsWorks/')) as {
          Users: { UserName: string }[];
        };
        expect(listed.Users).toHaveLength(HOSTS);
        expect(listed.Users.filter((u) => u.UserName.includes('+'))).toEqual([]);
        // Every key the CLI lists is one a host's agent holds.
        const cliKeys: string[] = [];
        for (const u of listed.Users) {
          const k = JSON.parse(await awsIam('list-access-keys', '--user-name', u.UserName)) as {
            AccessKeyMetadata: { AccessKeyId: string }[];
          };
          cliKeys.push(...k.AccessKeyMetadata.map((m) => m.AccessKeyId));
        }
        expect(cliKeys.sort()).toEqual([...held.values()].sort());
      } else if (process.env.CI) throw new Error(`${AWS} is required in CI`);

      // No temp dir (with its preconfig) left on any host.
      for (const h of fx.sb.hosts) {
        const tmp = join(h.root, 'tmp');
        const left = existsSync(tmp)
          ? readdirSync(tmp).filter((n) => n.startsWith('opsworks-register.'))
          : [];
        expect(left, h.name).toEqual([]);
      }
      // The journals name no secret, and `runner journal list` shows nothing left open.
      const secrets = [...fx.sb.hosts].flatMap((h) => {
        const file = join(h.root, 'etc/aws/opsworks/instance-agent.yml');
        const m = existsSync(file) ? /^:secret_access_key: (.+)$/m.exec(readFileSync(file, 'utf8')) : null;
        return m ? [JSON.parse(m[1]!) as string] : [];
      });
      const journals = readdirSync(join(journalDir, fx.sb.stackId)).filter((n) => n.endsWith('.ndjson'));
      expect(journals.length).toBeGreaterThanOrEqual(1);
      for (const j of journals) {
        const text = readFileSync(join(journalDir, fx.sb.stackId, j), 'utf8');
        for (const s of secrets) expect(text).not.toContain(s);
      }
      const list = await runCli(['journal', 'list', '--stack-id', fx.sb.stackId], {
        env: { RUNNER_JOURNAL_DIR: journalDir },
      });
      expect(list.code, list.stderr).toBe(0);
      const lines = list.stdout.trim().split('\n');
      expect(lines).toHaveLength(journals.length);
      // The killed run is dead (its hosts settled by the re-run), the re-run ended; nothing open in either.
      for (const line of lines) expect(line).toMatch(/ (crashed|ended) {2}\d+ hosts, 0 open$/);
    }, 2_400_000);
  }
});
