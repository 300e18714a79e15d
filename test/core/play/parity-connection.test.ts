import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ansibleAvailable, type RecapCounts, runAnsiblePlaybook } from '../../support/ansible-playbook.js';
import { recapOf, runCli } from '../../support/cli.js';
import { loopbackAddresses, requireSshd, type Sshd, startSshd } from '../../support/sshd.js';

/**
 * Connection-var precedence against ansible-playbook: connection vars set at
 * each level (inventory group < host, play vars, vars_files, set_fact, task
 * vars, -e), one play per host so that each host is one combination. Every
 * host writes what it was actually reached by (the server address and port
 * from $SSH_CONNECTION, or `local`, and the remote user) and both tools must
 * leave the same files, which must also be the ones listed here. A second
 * sshd on port 2222 tells ports apart; a user that does not exist
 * (`nosuchuser`) makes the host unreachable, which tells users apart.
 */
const run = requireSshd() && ansibleAvailable();
const A = loopbackAddresses(10, 62);
const HOSTS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10'];

const RECORD = `raw: 'set -- $SSH_CONNECTION; echo "\${3:-local}:\${4:-} $(id -un)" > {{ out_root }}/{{ inventory_hostname }}{{ suffix | default("") }}'`;

function playbook(): string {
  const play = (host: string, extra: string[], tasks: string[] = []) =>
    [
      `- hosts: ${host}`,
      '  gather_facts: false',
      ...extra.map((l) => `  ${l}`),
      '  tasks:',
      ...tasks.map((t) => `    ${t}`),
      `    - ${RECORD}`,
    ].join('\n');
  // c5 first: with -e ansible_user=nosuchuser it must be unreachable, and a play
  // in which every host failed ends the run, in both tools.
  return `${[
    play('c5', ['vars:', '  ansible_user: nosuchuser', 'vars_files:', '  - user-root.yml']),
    play('c1', []),
    play('c2', []),
    play('c3', []),
    play('c4', ['vars:', `  ansible_host: ${A[4]}`, '  ansible_port: 2222']),
    play(
      'c6',
      ['vars:', '  ansible_port: 2222'],
      [`- ${RECORD.replace('"") }}', '"") }}.before')}`, '- set_fact:', '    ansible_port: 22'],
    ),
    play('c7', ['vars:', '  ansible_connection: local']),
    [
      '- hosts: c8',
      '  gather_facts: false',
      '  tasks:',
      `    - ${RECORD}`,
      '      vars:',
      `        ansible_host: ${A[8]}`,
    ].join('\n'),
    play('c9', ['vars:', '  ansible_user: root']),
    play('c10', []),
  ].join('\n')}\n`;
}

function inventory(key: string): string {
  return [
    'all:',
    '  vars:',
    '    ansible_user: root',
    `    ansible_ssh_private_key_file: ${key}`,
    '    ansible_python_interpreter: /usr/bin/python3',
    '  hosts:',
    `    c1: {ansible_host: ${A[0]}}`,
    `    c4: {ansible_host: ${A[3]}}`,
    `    c5: {ansible_host: ${A[5]}}`,
    `    c6: {ansible_host: ${A[6]}}`,
    `    c7: {ansible_host: ${A[7]}}`,
    `    c8: {ansible_host: ${A[7]}}`,
    `    c9: {ansible_host: ${A[7]}, ansible_user: nosuchuser}`,
    `    c10: {ansible_host: "{{ alt_address }}", alt_address: ${A[9]}}`,
    '  children:',
    '    high_port:',
    '      vars: {ansible_port: 2222}',
    '      hosts:',
    `        c2: {ansible_host: ${A[1]}}`,
    `        c3: {ansible_host: ${A[2]}, ansible_port: 22}`,
    '',
  ].join('\n');
}

interface Case {
  args: string[];
  /** What each host (file) recorded. */
  expected: Record<string, string>;
  /** Hosts that must be unreachable (the user the tools asked for does not exist). */
  unreachable?: string[];
}

const CASES: Record<string, Case> = {
  'no extra vars: group < host, play vars, vars_files, set_fact, task vars, templates': {
    args: [],
    expected: {
      c1: `${A[0]}:22 root`, // inventory host var
      c2: `${A[1]}:2222 root`, // group var
      c3: `${A[2]}:22 root`, // host var beats group var
      c4: `${A[4]}:2222 root`, // play vars beat inventory
      c5: `${A[5]}:22 root`, // vars_files beat play vars (play says nosuchuser)
      'c6.before': `${A[6]}:2222 root`, // play vars
      c6: `${A[6]}:22 root`, // set_fact beats play vars, and the host is reached anew
      c7: 'local: root', // play vars ansible_connection: local over an SSH inventory
      c8: `${A[8]}:22 root`, // task vars beat inventory
      c9: `${A[7]}:22 root`, // play vars user beats the inventory's nosuchuser
      c10: `${A[9]}:22 root`, // ansible_host as a template
    },
  },
  '-e ansible_connection=local over an SSH inventory': {
    args: ['-e', 'ansible_connection=local'],
    expected: Object.fromEntries([...HOSTS, 'c6.before'].map((h) => [h, 'local: root'])),
  },
  '-e ansible_host and ansible_port beat every other level': {
    args: ['-e', `ansible_host=${A[5]}`, '-e', 'ansible_port=2222'],
    expected: {
      ...Object.fromEntries([...HOSTS, 'c6.before'].map((h) => [h, `${A[5]}:2222 root`])),
      c7: 'local: root',
    },
  },
  '-e ansible_user beats vars_files and play vars': {
    args: ['-e', 'ansible_user=nosuchuser'],
    expected: {},
    unreachable: ['c5'],
  },
};

describe.runIf(run)('connection-var precedence, parity with ansible-playbook 2.14', () => {
  let sshd: Sshd;
  let sshd2: Sshd;
  let dir: string;
  let controlDir: string;
  let knownHosts: string;

  beforeAll(async () => {
    sshd = await startSshd({ knownAddresses: A });
    sshd2 = await startSshd({ port: 2222, knownAddresses: A });
    // One client key for both servers, as one inventory names one key file.
    for (const user of readdirSync(join(sshd2.dir, 'authorized_keys'))) {
      writeFileSync(join(sshd2.dir, 'authorized_keys', user), readFileSync(`${sshd.clientKeyFile}.pub`));
    }
    dir = mkdtempSync(join(tmpdir(), 'runner-parity-conn-'));
    controlDir = mkdtempSync('/tmp/apc-');
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(
      knownHosts,
      readFileSync(sshd.knownHostsFile, 'utf8') + readFileSync(sshd2.knownHostsFile, 'utf8'),
    );
    writeFileSync(join(dir, 'inventory.yml'), inventory(sshd.clientKeyFile));
    writeFileSync(join(dir, 'playbook.yml'), playbook());
    writeFileSync(join(dir, 'user-root.yml'), 'ansible_user: root\n');
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n');
  });

  afterAll(async () => {
    await sshd?.stop();
    await sshd2?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (controlDir) rmSync(controlDir, { recursive: true, force: true });
  });

  const recorded = (root: string) =>
    Object.fromEntries(readdirSync(root).map((f) => [f, readFileSync(join(root, f), 'utf8').trim()]));
  const reached = (recap: Record<string, RecapCounts>) =>
    Object.fromEntries(HOSTS.map((h) => [h, recap[h]?.unreachable ? 'unreachable' : 'reached']));

  for (const [name, spec] of Object.entries(CASES)) {
    it(name, { timeout: 1_800_000 }, async () => {
      const slug = name.replace(/[^a-z0-9]+/gi, '-');
      const ansibleRoot = join(dir, slug, 'ansible');
      const runnerRoot = join(dir, slug, 'runner');
      mkdirSync(ansibleRoot, { recursive: true });
      mkdirSync(runnerRoot, { recursive: true });
      const noSsh = { SSH_CONNECTION: '' };
      const a = await runAnsiblePlaybook({
        dir,
        controlDir,
        knownHostsFile: knownHosts,
        args: [
          '-i',
          join(dir, 'inventory.yml'),
          join(dir, 'playbook.yml'),
          '-e',
          `out_root=${ansibleRoot}`,
          ...spec.args,
        ],
        env: noSsh,
      });
      const r = await runCli(
        [
          'play',
          join(dir, 'playbook.yml'),
          '-i',
          join(dir, 'inventory.yml'),
          '-e',
          `out_root=${runnerRoot}`,
          '--host-key-checking',
          'strict',
          '--known-hosts',
          knownHosts,
          '--json',
          ...spec.args,
        ],
        { cwd: dir, env: { HOME: dir, ...noSsh }, timeoutMs: 900_000 },
      );
      const context = `--- ansible ---\n${a.stdout}\n${a.stderr}\n--- runner ---\n${r.stderr}`;
      expect(recorded(ansibleRoot), context).toEqual(spec.expected);
      expect(recorded(runnerRoot), context).toEqual(spec.expected);
      const runnerRecap = Object.fromEntries(recapOf(r).hosts.map((h) => [h.host, h]));
      expect(reached(runnerRecap), context).toEqual(reached(a.recap));
      expect(r.code, context).toBe(a.code);
      for (const host of spec.unreachable ?? []) {
        expect(runnerRecap[host]?.unreachable, context).toBe(1);
        expect(a.recap[host]?.unreachable, context).toBe(1);
      }
    });
  }
});
