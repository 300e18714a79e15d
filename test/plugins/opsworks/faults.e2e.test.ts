import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recapOf } from '../../support/cli.js';
import { agentSecrets, doneOf, type RegisterFixture, registerFixture, resultsOf } from './support.js';

/**
 * Faults on: IAM throttled, AttachUserPolicy denied (inline fallback), one
 * host's registration refused, one host down. The run finishes the rest, the
 * refused host's IAM user is gone, and a second run (faults off) registers
 * only what is missing.
 */
const HOSTS = 6;
let fx: RegisterFixture;

beforeAll(async () => {
  fx = await registerFixture({ hosts: HOSTS, ec2Share: 0 });
});
afterAll(async () => {
  await fx?.sb.stop();
});

describe('register with faults, then again', () => {
  it('finishes the rest, rolls back the failed host, and a re-run registers only what is missing', async () => {
    const [, refused, down] = fx.sb.hosts.map((h) => h.name);
    fx.sb.setFaults({
      throttle: { iam: { everyNth: 3 } },
      denyAttachUserPolicy: true,
      failRegistration: [refused!],
      hostsDown: [down!],
    });
    const first = await fx.register();
    const done = doneOf(first);
    expect(done[refused!]?.status, first.stderr).toBe('failed');
    expect(done[refused!]?.msg).toMatch(/boot-registration failed/);
    expect(done[refused!]?.msg).toMatch(
      /rolled back: .*deleted access key .*deleted user OpsWorks-runner-sandbox-/,
    );
    expect(done[down!]?.status).toBe('unreachable');
    const ok = fx.sb.hosts.map((h) => h.name).filter((n) => n !== refused && n !== down);
    for (const name of ok) expect(done[name]?.status, `${name}: ${done[name]?.msg}`).toBe('ok');

    const state = fx.sb.state();
    const users = state.iam.users.filter((u) => u.groups.includes(`OpsWorks-${fx.sb.stackId}`));
    expect(users.map((u) => u.UserName).sort()).toEqual(ok.map((n) => `OpsWorks-runner-sandbox-${n}`).sort());
    // AttachUserPolicy was denied: each user got the 15-minute inline policy instead.
    for (const u of users) {
      expect(u.attachedPolicies).toEqual([]);
      const doc = JSON.parse(u.inlinePolicies['OpsWorks-Instance'] ?? '{}');
      expect(doc.Statement[0].Action).toBe('opsworks:RegisterInstance');
      expect(doc.Statement[0].Condition.DateLessThan['aws:CurrentTime']).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
    }
    // The refused host left no user behind, under any name.
    expect(state.iam.users.some((u) => u.UserName.includes(refused!))).toBe(false);
    expect(state.instances.filter((i) => i.Status === 'registered')).toHaveLength(ok.length);
    // IAM was throttled and retried, not failed.
    expect(fx.sb.calls().some((c) => c.service === 'iam' && /Throttl/.test(String(c.error ?? '')))).toBe(
      true,
    );

    fx.sb.setFaults({ throttle: {}, denyAttachUserPolicy: false, failRegistration: [], hostsDown: [] });
    const second = await fx.register();
    expect(second.code, second.stderr).toBe(0);
    const changedHosts = new Set(
      resultsOf(second)
        .filter((r) => r.status === 'changed')
        .map((r) => r.host),
    );
    expect([...changedHosts].sort()).toEqual([refused!, down!].sort());
    expect(recapOf(second).hosts.every((h) => h.status === 'ok')).toBe(true);
    const after = fx.sb.state();
    expect(after.instances.filter((i) => i.Status === 'registered')).toHaveLength(HOSTS);
    expect(after.iam.users.filter((u) => u.groups.includes(`OpsWorks-${fx.sb.stackId}`))).toHaveLength(HOSTS);

    const secrets = agentSecrets(fx.sb);
    expect(secrets.length).toBe(HOSTS);
    const commands = fx.sb
      .commands()
      .map((c) => c.command)
      .join('\n');
    for (const s of secrets) {
      for (const out of [first.stdout, first.stderr, second.stdout, second.stderr, commands])
        expect(out).not.toContain(s);
    }
  });
});
