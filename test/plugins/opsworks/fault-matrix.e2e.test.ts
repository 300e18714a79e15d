import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SANDBOX_SECRET_ACCESS_KEY, type Sandbox } from '../../../sandbox/index.js';
import { type CliRun, recapOf, runCli } from '../../support/cli.js';
import { CASES, type MatrixCase, VICTIM_INDEX } from './fault-matrix/cases.js';
import { type RegisterFixture, registerFixture } from './support.js';

/**
 * The fault matrix (issue 12): each case on its own 3-host sandbox through
 * the real CLI, then the invariants every outcome must keep. Faults fire from
 * what the sandbox observes (a command, an upload, an API call), never after
 * a sleep. Cases run one after another: the machine is shared.
 */
const HOSTS = 3;
/** Polls of the sandbox's records before an interrupt trigger gives up (50 ms apart: a 15-minute deadline, not a speed check). */
const TRIGGER_POLLS = 18_000;

/** The access key IDs the hosts' agents hold. */
function heldKeyIds(sb: Sandbox): Set<string> {
  const ids = new Set<string>();
  for (const h of sb.hosts) {
    const file = join(h.root, 'etc/aws/opsworks/instance-agent.yml');
    if (!existsSync(file)) continue;
    const m = /^:access_key_id: (.+)$/m.exec(readFileSync(file, 'utf8'));
    if (m) ids.add(JSON.parse(m[1] as string) as string);
  }
  return ids;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < TRIGGER_POLLS; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the interrupt trigger never fired');
}

/** The register temp dirs (each holds a preconfig while it exists) in a host's /tmp. */
function tempDirs(sb: Sandbox, host: string): string[] {
  const h = sb.hosts.find((x) => x.name === host)!;
  const tmp = join(h.root, 'tmp');
  return existsSync(tmp) ? readdirSync(tmp).filter((f) => f.startsWith('opsworks-register.')) : [];
}

/** Each case's own journals, so a reconcile settles only what its run left. */
const journalDir = (fx: RegisterFixture) => join(fx.work, 'journal');

async function runCase(c: MatrixCase, fx: RegisterFixture, logDir: string): Promise<CliRun> {
  const victim = fx.sb.hosts[VICTIM_INDEX]!.name;
  if (c.faults) fx.sb.setFaults(c.faults(victim));
  const args = ['--log-dir', logDir, ...(c.args ?? [])];
  if (c.inventory) {
    const extra = join(fx.work, 'extra-inventory.yml');
    writeFileSync(extra, c.inventory(victim));
    args.push('-i', extra);
  }
  const { child, done } = fx.start(args, { timeoutMs: 900_000, env: { RUNNER_JOURNAL_DIR: journalDir(fx) } });
  if (c.interrupt) {
    const { when, twice } = c.interrupt;
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    await until(() => when(fx.sb) || child.exitCode !== null);
    // A run that ended before its trigger was never interrupted: say so, not "exit 0, expected 99".
    if (!child.kill('SIGINT'))
      throw new Error(`the run ended (exit ${child.exitCode}) before the interrupt trigger fired`);
    if (twice) {
      await until(() => stderr.includes('stopping') || child.exitCode !== null);
      if (!child.kill('SIGINT'))
        throw new Error(`the run ended (exit ${child.exitCode}) before the second SIGINT`);
    }
  }
  return done;
}

describe('register fault matrix', () => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const fx = await registerFixture({ hosts: HOSTS, ec2Share: 0, ...c.sandbox });
      try {
        const logDir = join(fx.work, 'logs');
        const run = await runCase(c, fx, logDir);
        const sb = fx.sb;
        const names = sb.hosts.map((h) => h.name);
        const victim = names[VICTIM_INDEX]!;
        const recap = recapOf(run);
        const status = Object.fromEntries(recap.hosts.map((h) => [h.host, h.status]));
        const context = `${c.name}\n${run.stderr.slice(-3000)}`;

        // Every host accounted for in the recap, and the exit code.
        expect(Object.keys(status).sort(), context).toEqual([...names].sort());
        expect(run.code, context).toBe(c.code);
        if (c.victim) expect(status[victim], context).toBe(c.victim);
        if (c.others)
          for (const n of names.filter((n) => n !== victim))
            expect(status[n], `${n}: ${context}`).toBe(c.others);
        if (c.victimMsg)
          expect(recap.hosts.find((h) => h.host === victim)?.msg, context).toMatch(c.victimMsg);

        if (c.reconcile) {
          const settled = await runCli(['journal', 'reconcile', '--stack-id', sb.stackId], {
            env: { ...sb.envVars(), RUNNER_JOURNAL_DIR: journalDir(fx) },
          });
          // Only temp dirs may stay open: reconcile never contacts hosts, their next run removes them.
          const open = settled.stdout.split('\n').filter((l) => l.includes('left open:'));
          expect(
            open.filter((l) => !/left open: temp dir \S+ \(host not contacted\)$/.test(l)),
            `reconcile: ${settled.stdout}${settled.stderr}`,
          ).toEqual([]);
          expect(settled.code, `reconcile: ${settled.stdout}${settled.stderr}`).toBe(open.length > 0 ? 1 : 0);
        }
        const state = sb.state();
        const instances = state.instances.filter((i) => i.StackId === sb.stackId);
        // A host reported ok is registered: the recap never claims what did not happen.
        for (const n of names.filter((n) => status[n] === 'ok'))
          expect(
            instances.some((i) => i.Hostname === n && i.Status === 'registered'),
            `${n} ok but not registered: ${context}`,
          ).toBe(true);
        // No duplicate instances.
        const hostnames = instances.map((i) => i.Hostname);
        expect(hostnames.length, context).toBe(new Set(hostnames).size);
        // No `+N` users.
        expect(state.iam.users.filter((u) => /\+\d+$/.test(u.UserName)).map((u) => u.UserName)).toEqual([]);
        // No orphaned IAM user: each one made for a host registered that host's instance.
        const users = state.iam.users.filter((u) => u.Path === '/AWS/OpsWorks/');
        const registeredBy = new Set(instances.map((i) => i.RegisteredBy));
        expect(
          users.filter((u) => !registeredBy.has(u.Arn)).map((u) => u.UserName),
          context,
        ).toEqual([]);
        // No orphaned access key: every live key is held by a host's agent.
        const held = heldKeyIds(sb);
        const keys = users.flatMap((u) => u.accessKeys.map((k) => k.AccessKeyId));
        expect(
          keys.filter((k) => !held.has(k)),
          context,
        ).toEqual([]);

        // No secret anywhere: stdout (NDJSON), stderr, the per-host logs, every command the hosts ran.
        const secrets = [...sb.issuedSecrets(), SANDBOX_SECRET_ACCESS_KEY, ...(c.secrets ?? [])];
        const logs = existsSync(logDir)
          ? readdirSync(logDir)
              .map((f) => readFileSync(join(logDir, f), 'utf8'))
              .join('\n')
          : '';
        const commands = JSON.stringify(sb.commands());
        for (const s of secrets) {
          for (const [where, text] of [
            ['stdout', run.stdout],
            ['stderr', run.stderr],
            ['logs', logs],
            ['commands', commands],
          ] as const)
            expect(text.includes(s), `a secret in ${where}`).toBe(false);
        }

        if (c.rerun) {
          // The victim could not be cleaned while it was gone: its temp dir is still there now.
          expect(tempDirs(sb, victim), context).not.toEqual([]);
          sb.setFaults({ vanishOnUpload: [], vanishDuring: [] });
          const again = await fx.register(['--log-dir', logDir], {
            env: { RUNNER_JOURNAL_DIR: journalDir(fx) },
          });
          const againContext = `re-run\n${again.stderr.slice(-3000)}`;
          expect(again.code, againContext).toBe(0);
          expect(
            recapOf(again)
              .hosts.map((h) => `${h.host} ${h.status}`)
              .sort(),
          ).toEqual(names.map((n) => `${n} ok`).sort());
          const registered = sb.state().instances.filter((i) => i.StackId === sb.stackId);
          expect(registered.map((i) => [i.Hostname, i.Status]).sort()).toEqual(
            names.map((n) => [n, 'registered']).sort(),
          );
          expect(sb.state().iam.users.filter((u) => /\+\d+$/.test(u.UserName))).toEqual([]);
          // No preconfig (nor the temp dir that held it) on any host after the next run.
          for (const n of names) expect(tempDirs(sb, n), `${n}: ${againContext}`).toEqual([]);
          const secretsNow = [...sb.issuedSecrets(), SANDBOX_SECRET_ACCESS_KEY];
          for (const s of secretsNow) {
            expect(again.stdout.includes(s), 'a secret in the re-run stdout').toBe(false);
            expect(JSON.stringify(sb.commands()).includes(s), 'a secret in a command').toBe(false);
          }
        }
      } finally {
        await fx.sb.stop();
      }
    },
    400_000,
  );
});
