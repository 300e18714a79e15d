import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recapOf } from '../../support/cli.js';
import { type RegisterFixture, registerFixture } from './support.js';

/**
 * Two `runner play register` on the same stack at once: each host is owned by
 * one run at a time (its lock), the other waits for it and then finds it
 * registered. Both end ok; one IAM user per host, no `+1`, one instance each.
 */
const HOSTS = 6;
let fx: RegisterFixture;

beforeAll(async () => {
  fx = await registerFixture({ hosts: HOSTS, ec2Share: 0 });
});
afterAll(async () => {
  await fx?.sb.stop();
});

describe('two runs at once on the same stack', () => {
  it('both end ok and every host is registered once, by one of them', async () => {
    const journalDir = mkdtempSync(join(tmpdir(), 'runner-journal-'));
    const env = { RUNNER_JOURNAL_DIR: journalDir };
    const [a, b] = await Promise.all([fx.register([], { env }), fx.register([], { env })]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    for (const run of [a, b]) expect(recapOf(run).hosts.filter((h) => h.status !== 'ok')).toEqual([]);
    const state = fx.sb.state();
    expect(state.instances.filter((i) => i.Status === 'registered')).toHaveLength(HOSTS);
    expect(state.instances).toHaveLength(HOSTS);
    const users = state.iam.users.filter((u) => u.UserName.startsWith('OpsWorks-'));
    expect(users.map((u) => u.UserName).sort()).toEqual(
      fx.sb.hosts.map((h) => `OpsWorks-runner-sandbox-${h.name}`).sort(),
    );
    for (const u of users) expect(u.accessKeys).toHaveLength(1);
  }, 1_200_000);
});
