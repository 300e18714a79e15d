import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshConnectionFactory } from '../../../core/connection/index.js';
import type { SshConnection } from '../../../core/connection/ssh/connection.js';
import { sshRun } from '../../../core/connection/ssh/options.js';
import { selectHosts } from '../../../core/inventory/patterns.js';
import type { Vars } from '../../../core/inventory/types.js';
import { recordingReporter } from '../../../core/output/reporters/recording.js';
import { runPlaybook } from '../../../core/play/executor.js';
import { parseYamlPlaybook } from '../../../core/play/yaml-loader.js';
import { PluginRegistry } from '../../../core/plugin/registry.js';
import coreModules from '../../../plugins/core-modules/index.js';
import { memoryInventory } from '../../support/memory-connection.js';
import { removeTestUser, requireSshd, type Sshd, startSshd } from '../../support/sshd.js';
import { visibleRun } from '../../support/visible-events.js';

// A host's consecutive shell/command/raw tasks reach it in ONE write to its
// persistent shell. Counted on the connection (its shell's exchanges: each
// command, batch or become step written and waited for), never by time.
const HOSTS = ['127.0.15.1', '127.0.15.2', '127.0.15.3'];
const USER = 'runner-batch';
const PASSWORD = 'batch sudo pw 15';
const SUDOERS = '/etc/sudoers.d/runner-batching';
const run = requireSshd();

const removeUser = () => removeTestUser(USER, SUDOERS);

describe.runIf(run)('batching a host’s consecutive commands (real sshd)', () => {
  let sshd: Sshd;
  let dir: string;

  beforeAll(async () => {
    removeUser();
    execFileSync('useradd', ['-m', '-s', '/bin/sh', USER]);
    execFileSync('chpasswd', { input: `${USER}:${PASSWORD}\n` });
    writeFileSync(SUDOERS, `${USER} ALL=(ALL) ALL\n`, { mode: 0o440 });
    sshd = await startSshd();
    chmodSync(sshd.dir, 0o711);
    chmodSync(join(sshd.dir, 'authorized_keys'), 0o755);
    copyFileSync(join(sshd.dir, 'authorized_keys', 'root'), join(sshd.dir, 'authorized_keys', USER));
    dir = mkdtempSync(join(tmpdir(), 'runner-batching-'));
  });
  afterAll(async () => {
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const h of HOSTS) for (const n of [1, 2, 3]) rmSync(`/tmp/runner-batch-${n}-${h}`, { force: true });
    removeUser();
  });

  /** Runs a YAML play over HOSTS in process; returns events and each host's shell exchanges. */
  async function play(yaml: string, vars: Vars = {}) {
    const opened: SshConnection[] = [];
    const registry = new PluginRegistry();
    registry.register(coreModules);
    registry.register({
      name: 'counted-ssh',
      connections: [
        {
          kind: 'counted-ssh',
          create(spec, options) {
            const connection = sshConnectionFactory.create(spec, options) as SshConnection;
            opened.push(connection);
            return connection;
          },
        },
      ],
    });
    const inventory = memoryInventory(HOSTS, {
      ansible_connection: 'counted-ssh',
      ansible_user: 'root',
      ansible_ssh_private_key_file: sshd.clientKeyFile,
      ...vars,
    });
    const recorder = recordingReporter();
    const outcome = await runPlaybook({
      playbook: parseYamlPlaybook(yaml, join(dir, 'play.yml')),
      registry,
      inventory,
      selectHosts: (p) => selectHosts(inventory, p),
      forks: 10,
      connection: sshRun({
        connectTimeoutMs: 60_000,
        maxHandshakes: 4,
        hostKeyChecking: 'off',
        knownHostsFiles: [],
        systemKnownHosts: false,
      }),
      emit: recorder.onEvent,
    });
    const exchanges = Object.fromEntries(opened.map((c) => [c.host, c.shellExchanges]));
    const writes = Object.fromEntries(opened.map((c) => [c.host, c.shellWrites]));
    return { outcome, events: recorder.events, exchanges, writes };
  }

  const recap = (o: { outcome: Awaited<ReturnType<typeof runPlaybook>> }) =>
    o.outcome.recap.hosts.map(({ host, status, msg, ok, changed, failed, skipped }) => ({
      host,
      status,
      msg,
      ok,
      changed,
      failed,
      skipped,
    }));

  const threeTasks = (extra: string) => `
- name: three
  hosts: all
  gather_facts: false
${extra}  tasks:
    - name: one
      shell: echo one {{ inventory_hostname }}; echo err-one >&2
    - name: two
      command: printf '%s' two
      changed_when: false
    - name: three
      raw: echo three
      register: three
    - name: show
      debug:
        msg: "{{ three.stdout }}"
`;

  it('sends a 3-task play in one exchange per host instead of three, with identical events', async () => {
    const batched = await play(threeTasks('  any_errors_fatal: false\n'));
    // any_errors_fatal forbids batching (another host's failure must stop this one between tasks).
    const single = await play(threeTasks('  any_errors_fatal: true\n'));
    expect(batched.exchanges).toEqual(Object.fromEntries(HOSTS.map((h) => [h, 1])));
    expect(single.exchanges).toEqual(Object.fromEntries(HOSTS.map((h) => [h, 3])));
    // The shell's ready command travels in the same write as the batch: one write per host in all.
    expect(batched.writes).toEqual(Object.fromEntries(HOSTS.map((h) => [h, 1])));
    expect(visibleRun(batched.events, HOSTS)).toEqual(visibleRun(single.events, HOSTS));
    expect(recap(batched)).toEqual(recap(single));
    expect(batched.outcome.exitCode).toBe(0);
    const one = batched.events.find(
      (e) => e.type === 'host.task.result' && e.result.task === 'one' && e.result.host === HOSTS[0],
    );
    expect(one).toMatchObject({
      result: { status: 'changed', stdout: `one ${HOSTS[0]}`, stderr: 'err-one', rc: 0 },
    });
    const shown = batched.events.filter((e) => e.type === 'host.task.result' && e.result.task === 'show');
    expect(shown.map((e) => (e.type === 'host.task.result' ? e.result.msg : ''))).toEqual(
      // raw keeps the command's last newline, as Ansible's raw does.
      HOSTS.map(() => 'three\n'),
    );
  });

  it('stops a host at a failing middle task: the third command never runs there', async () => {
    const yaml = (ignore: boolean) => `
- name: chain
  hosts: all
  gather_facts: false
  tasks:
    - name: first
      shell: touch /tmp/runner-batch-1-{{ inventory_hostname }}
    - name: fails on one host
      shell: test {{ inventory_hostname }} != ${HOSTS[1]}
${ignore ? '      ignore_errors: true\n' : ''}    - name: third
      shell: touch /tmp/runner-batch-3-{{ inventory_hostname }}
`;
    const failed = await play(yaml(false));
    expect(failed.exchanges).toEqual(Object.fromEntries(HOSTS.map((h) => [h, 1])));
    expect(HOSTS.map((h) => existsSync(`/tmp/runner-batch-1-${h}`))).toEqual([true, true, true]);
    expect(HOSTS.map((h) => existsSync(`/tmp/runner-batch-3-${h}`))).toEqual([true, false, true]);
    expect(recap(failed).map((r) => r.status)).toEqual(['ok', 'failed', 'ok']);
    const middle = recap(failed)[1]!;
    expect(middle.msg).toContain('fails on one host');
    expect(middle).toMatchObject({ ok: 1, changed: 1, failed: 1 });
    // The failed host reports no result for the task it never ran.
    const thirds = failed.events.flatMap((e) =>
      e.type === 'host.task.result' && e.result.task === 'third' ? [e.result.host] : [],
    );
    expect(thirds).toEqual([HOSTS[0], HOSTS[2]]);

    for (const h of HOSTS) rmSync(`/tmp/runner-batch-3-${h}`, { force: true });
    const ignored = await play(yaml(true));
    expect(HOSTS.map((h) => existsSync(`/tmp/runner-batch-3-${h}`))).toEqual([true, true, true]);
    expect(recap(ignored).map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(ignored.exchanges).toEqual(Object.fromEntries(HOSTS.map((h) => [h, 1])));
  });

  it('batches become tasks inside the one sudo, and the sudo password appears nowhere', async () => {
    const yaml = (extra: string) => `
- name: as root
  hosts: all
  gather_facts: false
  become: true
${extra}  tasks:
    - name: who
      command: id -un
    - name: home
      shell: echo "$HOME"
    - name: again
      command: id -un
      register: again
`;
    const vars = { ansible_user: USER, ansible_become_password: PASSWORD };
    const batched = await play(yaml('  any_errors_fatal: false\n'), vars);
    const single = await play(yaml('  any_errors_fatal: true\n'), vars);
    expect(batched.outcome.exitCode).toBe(0);
    expect(visibleRun(batched.events, HOSTS)).toEqual(visibleRun(single.events, HOSTS));
    const who = batched.events.flatMap((e) =>
      e.type === 'host.task.result' && e.result.task === 'who' ? [e.result.stdout] : [],
    );
    expect(who).toEqual(HOSTS.map(() => 'root'));
    // Entering sudo costs the same either way; the three commands cost one exchange instead of three.
    for (const h of HOSTS) expect(batched.exchanges[h]).toBe(single.exchanges[h]! - 2);
    const text = JSON.stringify([batched.events, single.events]);
    expect(text).not.toContain(PASSWORD);
  });
});
