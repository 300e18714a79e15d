import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeregisterManagedInstanceCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recapOf } from '../../support/cli.js';
import { activations, nodes, registeredId, resultsOf, type SsmFixture, ssmFixture } from './support.js';

/**
 * `register --service ssm` when things go wrong, end to end on the sandbox:
 * an expired activation, its registration limit reached (from the start, and
 * mid-run, when the rest register with a fresh activation), a host that fails
 * after registering (tagging denied: its node is deregistered and its agent
 * cleared), and a run killed with SIGKILL in the middle of registering, whose
 * activation the next run deletes without registering any host twice. After
 * every run, no activation is left.
 */
const HOSTS = 4;
let fx: SsmFixture;

beforeAll(async () => {
  fx = await ssmFixture({
    hosts: HOSTS,
    ec2Share: 0,
    dir: mkdtempSync(join(tmpdir(), 'runner-ssm-faults-')),
  });
});
afterAll(async () => {
  await fx?.sb.stop();
});

const failedInstalls = (run: Awaited<ReturnType<SsmFixture['register']>>) =>
  resultsOf(run).filter((r) => r.status === 'failed' && r.task === 'Install agent and register');

describe('register --service ssm under faults', () => {
  it('an expired activation: every host fails with the reason, nothing registered, the activation deleted', async () => {
    fx.sb.setFaults({ ssmExpireActivations: 'all' });
    const run = await fx.register();
    fx.sb.setFaults({ ssmExpireActivations: [] });
    expect(run.code).not.toBe(0);
    expect(failedInstalls(run)).toHaveLength(HOSTS);
    for (const r of failedInstalls(run))
      expect(r.msg).toMatch(/amazon-ssm-agent -register failed: .*(xpired|ActivationExpired)/);
    expect(await nodes(fx.ssm)).toEqual([]);
    expect(await activations(fx.ssm)).toEqual([]);
  });

  it('the registration limit reached: the same', async () => {
    fx.sb.setFaults({ ssmLimitReached: 'all' });
    const limited = await fx.register();
    fx.sb.setFaults({ ssmLimitReached: [] });
    expect(failedInstalls(limited)).toHaveLength(HOSTS);
    expect(await nodes(fx.ssm)).toEqual([]);
    expect(await activations(fx.ssm)).toEqual([]);
  });

  it.each([
    ['expires', 'expired'],
    ['reaches its limit', 'limit'],
  ] as const)(
    'the activation %s mid-run: the rest register with a fresh one, each host once, none left',
    async (_, as) => {
      // Fires from what the sandbox sees: after the 2nd successful registration, the activation is spent.
      fx.sb.setFaults({ ssmSpendAfter: { registrations: 2, as } });
      const run = await fx.register();
      const spent = fx.sb.faults;
      fx.sb.setFaults({ ssmSpendAfter: null, ssmExpireActivations: [], ssmLimitReached: [] });
      expect(spent.ssmSpendAfter).toBeNull();
      expect(run.code, run.stderr).toBe(0);
      expect(recapOf(run).hosts.every((h) => h.status === 'ok')).toBe(true);
      const warnings = run.events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
      const renewed = warnings.filter((w) => / is spent \(.*\): registering with /.test(w));
      expect(renewed).toHaveLength(HOSTS - 2);
      expect(fx.sb.calls().filter((c) => c.operation === 'CreateActivation').length).toBeGreaterThanOrEqual(
        2,
      );
      expect(await activations(fx.ssm)).toEqual([]);
      const all = await nodes(fx.ssm);
      expect(all).toHaveLength(HOSTS);
      expect(all.every((n) => n.PingStatus === 'Online')).toBe(true);
      expect(new Set(fx.sb.hosts.map((h) => registeredId(fx.sb, h.name)))).toEqual(
        new Set(all.map((n) => n.InstanceId)),
      );
      // Leave the fleet unregistered for the next case.
      for (const n of all)
        await fx.ssm.send(new DeregisterManagedInstanceCommand({ InstanceId: n.InstanceId }));
      for (const h of fx.sb.hosts) rmSync(join(h.root, 'var/lib/amazon/ssm/registration'), { force: true });
    },
  );

  it('a host that fails after registering (its tags cannot be read) is deregistered and its agent cleared', async () => {
    fx.sb.setFaults({ denyActions: ['ssm:ListTagsForResource'] });
    const run = await fx.register();
    fx.sb.setFaults({ denyActions: [] });
    expect(run.code).not.toBe(0);
    const waits = resultsOf(run).filter((r) => r.task === 'Wait until registered');
    expect(waits).toHaveLength(HOSTS);
    for (const r of waits) {
      expect(r.status).toBe('failed');
      expect(r.msg).toMatch(
        /^tagging mi-[0-9a-f]{17}: AccessDeniedException: .*\(rolled back: deregistered mi-[0-9a-f]{17}, cleared the agent registration\)$/,
      );
    }
    const deregistered = fx.sb.calls().filter((c) => c.operation === 'DeregisterManagedInstance');
    expect(deregistered.length).toBeGreaterThanOrEqual(HOSTS);
    expect(await nodes(fx.ssm)).toEqual([]);
    for (const h of fx.sb.hosts) expect(registeredId(fx.sb, h.name), h.name).toBeUndefined();
    expect(await activations(fx.ssm)).toEqual([]);
  });

  it('killed with SIGKILL while registering: the next run deletes its activation and registers each host once', async () => {
    const journal = join(fx.journalDir, `ssm-${fx.sb.region}`);
    const known = new Set(existsSync(journal) ? readdirSync(journal) : []);
    const started = fx.start();
    // Kill once the run has journaled its first registration (bounded: 10 min for a hung run).
    const deadline = Date.now() + 600_000;
    let killedAt: string | undefined;
    while (Date.now() < deadline && !killedAt && started.child.exitCode === null) {
      const fresh = existsSync(journal) ? readdirSync(journal).filter((f) => !known.has(f)) : [];
      if (fresh.some((f) => readFileSync(join(journal, f), 'utf8').includes('"op":"ssm.register"'))) {
        started.child.kill('SIGKILL');
        killedAt = fresh[0];
      } else await new Promise((r) => setTimeout(r, 50));
    }
    expect(killedAt).toBeDefined();
    await started.done;
    // The killed run left its activation behind.
    expect((await activations(fx.ssm)).length).toBe(1);

    const run = await fx.register();
    expect(run.code, run.stderr).toBe(0);
    expect(recapOf(run).hosts.every((h) => h.status === 'ok')).toBe(true);
    const warnings = run.events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings.some((w) => /^deleted activation \S+ left by run /.test(w))).toBe(true);
    expect(await activations(fx.ssm)).toEqual([]);
    const all = await nodes(fx.ssm);
    expect(all).toHaveLength(HOSTS);
    expect(all.every((n) => n.PingStatus === 'Online')).toBe(true);
    expect(new Set(fx.sb.hosts.map((h) => registeredId(fx.sb, h.name)))).toEqual(
      new Set(all.map((n) => n.InstanceId)),
    );
  });
});
