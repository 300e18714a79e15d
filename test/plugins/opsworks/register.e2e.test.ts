import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recapOf } from '../../support/cli.js';
import { agentSecrets, doneOf, type RegisterFixture, registerFixture, resultsOf } from './support.js';

/**
 * `runner play register` end to end: the real binary, the real SDK clients,
 * the sandbox's OpsWorks/IAM/S3/EC2 endpoint and its SSH fleet (on- premises
 * and EC2-class hosts), then a second run that changes nothing.
 */
const HOSTS = 10;
let fx: RegisterFixture;

beforeAll(async () => {
  fx = await registerFixture({ hosts: HOSTS, ec2Share: 0.3 });
});
afterAll(async () => {
  await fx?.sb.stop();
});

describe(`register ${HOSTS} hosts in one run`, () => {
  it('registers every host, one IAM user each in the stack group, keys that worked', async () => {
    const logDir = join(fx.work, 'logs');
    const run = await fx.register(['--log-dir', logDir]);
    const recap = recapOf(run);
    expect(
      recap.hosts
        .filter((h) => h.status === 'ok')
        .map((h) => h.host)
        .sort(),
      run.stderr,
    ).toEqual(fx.sb.hosts.map((h) => h.name).sort());
    expect(run.code).toBe(0);
    const state = fx.sb.state();
    const registered = state.instances.filter(
      (i) => i.StackId === fx.sb.stackId && i.Status === 'registered',
    );
    expect(registered).toHaveLength(HOSTS);
    expect(registered.filter((i) => i.InfrastructureClass === 'ec2').length).toBe(
      fx.sb.hosts.filter((h) => h.class === 'ec2').length,
    );
    const group = `OpsWorks-${fx.sb.stackId}`;
    const users = state.iam.users.filter((u) => u.groups.includes(group));
    expect(users).toHaveLength(HOSTS);
    for (const u of users) {
      expect(u.Path).toBe('/AWS/OpsWorks/');
      expect(u.UserName).toMatch(/^OpsWorks-runner-sandbox-sandbox-\d+$/);
      expect(u.attachedPolicies).toContain('arn:aws:iam::aws:policy/AWSOpsWorksInstanceRegistration');
      expect(u.accessKeys).toHaveLength(1);
    }
    // Each instance was registered by its own host's IAM user: the key reached the agent and worked.
    expect(new Set(registered.map((i) => i.RegisteredBy)).size).toBe(HOSTS);
    for (const i of registered) expect(users.map((u) => u.Arn)).toContain(i.RegisteredBy);

    // The stack and its parameters were fetched once for the play, not per host.
    const calls = fx.sb.calls().filter((c) => c.service === 'opsworks');
    expect(calls.filter((c) => c.operation === 'DescribeStacks')).toHaveLength(1);
    expect(calls.filter((c) => c.operation === 'DescribeStackProvisioningParameters')).toHaveLength(1);
    // The wait is batched: far fewer polls than hosts times ticks.
    const polls = calls.filter((c) => c.operation === 'DescribeInstances').length;
    expect(polls).toBeLessThan(HOSTS * 2);

    // No secret key anywhere: stdout (NDJSON), stderr, per-host logs, remote command lines.
    const secrets = agentSecrets(fx.sb);
    expect(secrets).toHaveLength(
      fx.sb.hosts.filter((h) => h.class === 'on-premises').length +
        fx.sb.hosts.filter((h) => h.class === 'ec2').length,
    );
    const logs = readdirSync(logDir)
      .map((f) => readFileSync(join(logDir, f), 'utf8'))
      .join('\n');
    const commands = fx.sb
      .commands()
      .map((c) => c.command)
      .join('\n');
    expect(commands).toContain('boot-registration');
    // Commands fed to the persistent shell are in the record too, not just those with their own channel.
    const shellLines = fx.sb.commands().filter((c) => c.kind === 'shell');
    expect(shellLines.some((c) => c.command.includes('/opsworks-register.'))).toBe(true);
    expect(shellLines.some((c) => c.command.includes('curl '))).toBe(true);
    expect(commands).toContain('OPSWORKS_ASSETS_DOWNLOAD_BUCKET=');
    for (const s of secrets) {
      expect(run.stdout).not.toContain(s);
      expect(run.stderr).not.toContain(s);
      expect(logs).not.toContain(s);
      expect(commands).not.toContain(s);
    }
    // runner wrote each preconfig 0600 (the sandbox agent logs the mode it found).
    for (const h of fx.sb.hosts) {
      const log = readFileSync(join(h.root, 'var/log/aws/opsworks/opsworks-agent.log'), 'utf8');
      expect(log, h.name).toContain('preconfig mode 0600');
    }
    // Temp dirs are gone from every host.
    for (const h of fx.sb.hosts) {
      expect(readdirSync(join(h.root, 'tmp')).filter((f) => f.startsWith('opsworks-register.'))).toEqual([]);
    }
  });

  it('a second run registers nothing: every host ok, unchanged', async () => {
    const before = fx.sb.state();
    const run = await fx.register();
    expect(run.code, run.stderr).toBe(0);
    const changed = resultsOf(run).filter((r) => r.status === 'changed');
    expect(changed).toEqual([]);
    for (const r of resultsOf(run).filter((r) => r.task === 'Registration state')) {
      expect(r.msg).toMatch(/^already registered as /);
    }
    const after = fx.sb.state();
    expect(after.instances).toHaveLength(before.instances.length);
    expect(after.iam.users).toHaveLength(before.iam.users.length);
    expect(Object.keys(doneOf(run))).toHaveLength(HOSTS);
  });
});
