import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, awsCliPresent } from '../../sandbox/aws-cli.js';
import { recapOf } from '../../support/cli.js';
import {
  activations,
  nodes,
  readTree,
  registeredId,
  resultsOf,
  type SsmFixture,
  ssmFixture,
  tagsOf,
} from './support.js';

/**
 * `runner play register --service ssm` end to end: the real binary, the real
 * SSM client against the sandbox, the fake amazon-ssm-agent installed from
 * the sandbox's amazon-ssm-<region> bucket on every host over SSH. A first run
 * with one host refused and one host down, a second that registers only those,
 * a third that changes nothing; no activation left after any of them, and no
 * activation code anywhere runner writes.
 */
const HOSTS = 10;
let fx: SsmFixture;

beforeAll(async () => {
  fx = await ssmFixture({ hosts: HOSTS, ec2Share: 0.3, dir: mkdtempSync(join(tmpdir(), 'runner-ssm-sb-')) });
});
afterAll(async () => {
  await fx?.sb.stop();
});

describe(`register ${HOSTS} hosts with SSM hybrid activations`, () => {
  it('a refused host and a down host fail; the rest register; the activation is deleted', async () => {
    const [refused, down] = [fx.sb.hosts[1]!.name, fx.sb.hosts[4]!.name];
    fx.sb.setFaults({ ssmRefuseRegistration: [refused], hostsDown: [down] });
    const run = await fx.register();
    fx.sb.setFaults({ ssmRefuseRegistration: [], hostsDown: [] });
    expect(run.code, run.stderr).not.toBe(0);
    const recap = recapOf(run);
    const ok = recap.hosts.filter((h) => h.status === 'ok').map((h) => h.host);
    expect(ok.sort()).toEqual(
      fx.sb.hosts
        .map((h) => h.name)
        .filter((n) => n !== refused && n !== down)
        .sort(),
    );
    const failed = resultsOf(run).filter((r) => r.status === 'failed');
    expect(failed.map((r) => `${r.host}: ${r.task}`)).toEqual([`${refused}: Install agent and register`]);
    expect(failed[0]?.msg).toMatch(/amazon-ssm-agent -register failed/);
    expect(registeredId(fx.sb, refused)).toBeUndefined();
    expect((await nodes(fx.ssm)).length).toBe(HOSTS - 2);
    // One activation for the play (limit = the play's hosts), deleted at its end.
    const calls = fx.sb.calls().filter((c) => c.service === 'ssm');
    expect(calls.filter((c) => c.operation === 'CreateActivation')).toHaveLength(1);
    expect(await activations(fx.ssm)).toEqual([]);
  });

  it('a second run registers only what is missing: every node Online and tagged, no activation left, no code leaked', async () => {
    const before = await nodes(fx.ssm);
    const run = await fx.register();
    expect(run.code, run.stderr).toBe(0);
    expect(recapOf(run).hosts.every((h) => h.status === 'ok')).toBe(true);
    const installs = resultsOf(run).filter(
      (r) => r.task === 'Install agent and register' && r.status === 'changed',
    );
    expect(installs.map((r) => r.host).sort()).toEqual([fx.sb.hosts[1]!.name, fx.sb.hosts[4]!.name].sort());
    const all = await nodes(fx.ssm);
    expect(all).toHaveLength(HOSTS);
    expect(all.filter((n) => before.some((b) => b.InstanceId === n.InstanceId))).toHaveLength(HOSTS - 2);
    for (const n of all) {
      expect(n.PingStatus, n.InstanceId).toBe('Online');
      expect(n.InstanceId).toMatch(/^mi-[0-9a-f]{17}$/);
      expect(await tagsOf(fx.ssm, n.InstanceId!)).toMatchObject({ Env: 'e2e', Team: 'fleet' });
    }
    // Each host's agent names its own node.
    expect(new Set(fx.sb.hosts.map((h) => registeredId(fx.sb, h.name))).size).toBe(HOSTS);
    expect(await activations(fx.ssm)).toEqual([]);

    // The activation codes: never in runner's output, logs or journal, nor on any command line the hosts ran.
    // Only activations were issued in these runs (no IAM keys): one per run that registered.
    const codes = fx.sb.issuedSecrets();
    expect(codes.length).toBeGreaterThanOrEqual(2);
    const commands = fx.sb
      .commands()
      .map((c) => c.command)
      .join('\n');
    expect(commands).toContain('/register');
    const logs = readTree(fx.logDir);
    const journal = readTree(fx.journalDir);
    expect(journal).toContain('"op":"ssm.activation"');
    for (const code of codes) {
      expect(run.stdout).not.toContain(code);
      expect(run.stderr).not.toContain(code);
      expect(logs).not.toContain(code);
      expect(journal).not.toContain(code);
      expect(commands).not.toContain(code);
    }
  });

  it('a third run changes nothing and makes no activation', async () => {
    const made = fx.sb.calls().filter((c) => c.operation === 'CreateActivation').length;
    const run = await fx.register();
    expect(run.code, run.stderr).toBe(0);
    expect(resultsOf(run).filter((r) => r.status === 'changed')).toEqual([]);
    for (const r of resultsOf(run).filter((r) => r.task === 'Registration state'))
      expect(r.msg).toMatch(/^already registered as mi-/);
    expect(fx.sb.calls().filter((c) => c.operation === 'CreateActivation').length).toBe(made);
    expect(await nodes(fx.ssm)).toHaveLength(HOSTS);
  });

  it.runIf(awsCliPresent('the SSM register CLI check'))(
    "Debian's aws CLI lists every node Online, its tags, and no activation",
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'runner-ssm-awscli-'));
      const info = await awsCli(fx.sb, home, ['ssm', 'describe-instance-information']);
      expect(info.code, info.stderr).toBe(0);
      const list = JSON.parse(info.stdout).InstanceInformationList as Array<{
        InstanceId: string;
        PingStatus: string;
      }>;
      expect(list).toHaveLength(HOSTS);
      expect(list.every((n) => n.PingStatus === 'Online')).toBe(true);
      const tags = await awsCli(fx.sb, home, [
        'ssm',
        'list-tags-for-resource',
        '--resource-type',
        'ManagedInstance',
        '--resource-id',
        list[0]!.InstanceId,
      ]);
      expect(JSON.parse(tags.stdout).TagList).toEqual(
        expect.arrayContaining([
          { Key: 'Env', Value: 'e2e' },
          { Key: 'Team', Value: 'fleet' },
        ]),
      );
      const acts = await awsCli(fx.sb, home, ['ssm', 'describe-activations']);
      expect(acts.code, acts.stderr).toBe(0);
      expect(JSON.parse(acts.stdout).ActivationList).toEqual([]);
    },
  );
});
