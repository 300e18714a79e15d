import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupName } from '../../../plugins/opsworks/credentials/iam-names.js';
import { AWS, awsCli, awsCliPresent } from '../../sandbox/aws-cli.js';
import { clientConfig } from '../../sandbox/support.js';
import { type CliRun, runCli } from '../../support/cli.js';
import { agentSecrets, type RegisterFixture, registerFixture } from './support.js';

/**
 * Issue 14's done-when: 4 shard processes of one run at once against one
 * sandbox (40 hosts), the journal and host locks in the sandbox's S3. One
 * shard is SIGKILLed mid-run (decided from its own NDJSON events, never a
 * sleep) and re-run alone. Every host registered exactly once, no orphaned
 * IAM user or key, seen through Debian's AWS CLI too; `runner recap` over the
 * S3 journal shows every host and every shard done.
 */
const HOSTS = 40;
const SHARDS = 4;
const KILLED = 2;
const JOURNAL = 's3://runner-journal/fleet/';
let fx: RegisterFixture;
let s3: S3Client;

beforeAll(async () => {
  fx = await registerFixture({ hosts: HOSTS, ec2Share: 0 });
  s3 = new S3Client({ ...clientConfig(fx.sb), forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'runner-journal' }));
});
afterAll(async () => {
  s3?.destroy();
  await fx?.sb.stop();
});

const finished = (run: { events: CliRun['events'] }, task: string) =>
  run.events.filter((e) => e.type === 'host.task.result' && e.result.task === task).length;

/** Starts one shard; with `killWhen`, SIGKILLs it once its own events say so. */
function shard(k: number, killWhen?: (events: CliRun['events']) => boolean) {
  const started = fx.start(['--shard', `${k}/${SHARDS}`, '--journal', JOURNAL], { timeoutMs: 1_800_000 });
  let killed = false;
  if (killWhen) {
    const events: CliRun['events'] = [];
    let buffer = '';
    started.child.stdout?.on('data', (d) => {
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) events.push(JSON.parse(line));
      if (!killed && killWhen(events)) killed = started.child.kill('SIGKILL');
    });
  }
  return { done: started.done, killed: () => killed };
}

async function journalText(): Promise<string> {
  let text = '';
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: 'runner-journal', Prefix: 'fleet/', ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      const body = await s3.send(new GetObjectCommand({ Bucket: 'runner-journal', Key: o.Key }));
      text += (await body.Body?.transformToString()) ?? '';
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return text;
}

describe('4 shards of one run at once, one killed and re-run', () => {
  it('registers every host exactly once, leaves nothing orphaned, and recaps all hosts', async () => {
    // IAM slowed so the kill lands while the killed shard is half way through its hosts.
    fx.sb.setFaults({ latencyMs: { iam: 150, opsworks: 100 } });
    const runs = Array.from({ length: SHARDS }, (_, i) =>
      shard(i + 1, i + 1 === KILLED ? (e) => finished({ events: e }, 'Agent credentials') >= 1 : undefined),
    );
    const results = await Promise.all(runs.map((r) => r.done));
    expect(runs[KILLED - 1]!.killed()).toBe(true);
    for (const [i, run] of results.entries()) {
      if (i + 1 === KILLED) {
        expect(run.events.some((e) => e.type === 'run.end')).toBe(false);
        continue;
      }
      expect(run.code, run.stderr).toBe(0);
    }
    // Each shard ran only its hosts: no host in two of them.
    const hostsOf = (run: CliRun) => run.events.flatMap((e) => (e.type === 'host.done' ? [e.host] : []));
    const seen = results.filter((_, i) => i + 1 !== KILLED).flatMap(hostsOf);
    expect(new Set(seen).size).toBe(seen.length);

    // Before the re-run, the recap says which shard stopped.
    const partial = await runCli(['recap', '--journal', JOURNAL, '--json'], { env: fx.sb.envVars() });
    expect(partial.code).toBe(1);
    const before = JSON.parse(partial.stdout) as {
      shards: { shard: string; state: string }[];
      complete: boolean;
    };
    expect(before.complete).toBe(false);
    expect(before.shards.find((s) => s.shard === `${KILLED}/${SHARDS}`)?.state).toBe('stopped');

    fx.sb.setFaults({ latencyMs: {} });
    const again = await shard(KILLED).done;
    expect(again.code, again.stderr).toBe(0);
    expect(new Set([...seen, ...hostsOf(again)]).size).toBe(HOSTS);

    const state = fx.sb.state();
    const registered = state.instances.filter((i) => i.Status === 'registered');
    expect(registered).toHaveLength(HOSTS);
    expect(state.instances).toHaveLength(HOSTS);
    expect(new Set(registered.map((i) => i.Hostname)).size).toBe(HOSTS);
    const users = state.iam.users.filter((u) => u.UserName.startsWith('OpsWorks-'));
    expect(users.map((u) => u.UserName).sort()).toEqual(
      fx.sb.hosts.map((h) => `OpsWorks-runner-sandbox-${h.name}`).sort(),
    );
    for (const u of users) expect(u.accessKeys, u.UserName).toHaveLength(1);

    // The same through Debian's AWS CLI: one instance per host, one user per host in the stack's group.
    if (awsCliPresent('shards.e2e')) {
      const instances = await awsCli(fx.sb, fx.work, [
        'opsworks',
        'describe-instances',
        '--stack-id',
        fx.sb.stackId,
      ]);
      expect(instances.code, instances.stderr).toBe(0);
      const listed = (JSON.parse(instances.stdout) as { Instances: { Hostname: string }[] }).Instances;
      expect(listed.map((i) => i.Hostname).sort()).toEqual(fx.sb.hosts.map((h) => h.name).sort());
      const group = await awsCli(fx.sb, fx.work, [
        'iam',
        'get-group',
        '--group-name',
        groupName(fx.sb.stackId),
      ]);
      expect(group.code, group.stderr).toBe(0);
      const members = (JSON.parse(group.stdout) as { Users: { UserName: string }[] }).Users;
      expect(members.map((u) => u.UserName).sort()).toEqual(users.map((u) => u.UserName).sort());
    } else expect(AWS).toBe('/usr/bin/aws');

    // One recap for the whole run, from the S3 journal: every host ok, every shard done.
    const recap = await runCli(['recap', '--journal', JOURNAL], { env: fx.sb.envVars() });
    expect(recap.code, recap.stderr).toBe(0);
    expect(recap.stdout).toContain(`${HOSTS} hosts in`);
    for (const h of fx.sb.hosts) expect(recap.stdout).toMatch(new RegExp(`^${h.name} +: ok=`, 'm'));
    const json = JSON.parse(
      (await runCli(['recap', '--journal', JOURNAL, '--json'], { env: fx.sb.envVars() })).stdout,
    );
    expect(json.complete).toBe(true);
    expect(json.missing).toEqual([]);
    expect(json.shards.map((s: { state: string }) => s.state)).toEqual(['done', 'done', 'done', 'done']);
    expect(json.shards[KILLED - 1].attempts).toHaveLength(2);
    expect(json.recap.hosts).toHaveLength(HOSTS);

    // No lock left behind, and no secret in any journal object.
    const locks = await s3.send(
      new ListObjectsV2Command({ Bucket: 'runner-journal', Prefix: `fleet/${fx.sb.stackId}/locks/` }),
    );
    expect(locks.Contents ?? []).toEqual([]);
    const text = await journalText();
    const secrets = agentSecrets(fx.sb);
    expect(secrets).toHaveLength(HOSTS);
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toContain(fx.sb.credentials.secretAccessKey);
  }, 3_000_000);
});
