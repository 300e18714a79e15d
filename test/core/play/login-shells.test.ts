import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recapOf, runCli } from '../../support/cli.js';
import { removeTestUser, requireSshd, type Sshd, startSshd } from '../../support/sshd.js';

// sshd starts the user's login shell for every channel it opens, and Debian's
// bash reads ~/.bashrc when sshd starts it: a counter there counts the
// channels (and so the rc files and login work) a play costs each host.
const USER = 'runner-shells';
const PASSWORD = 'shell counter pw 5';
const HOSTS = ['127.0.6.1', '127.0.6.2', '127.0.6.3'];
const SUDOERS = `/etc/sudoers.d/runner-login-shells`;
const run = requireSshd();
const SLOW_RC_SECONDS = 11;

const removeUser = () => removeTestUser(USER, SUDOERS);

describe.runIf(run)('login shells per host', () => {
  let sshd: Sshd;
  let dir: string;
  const home = `/home/${USER}`;
  const shellsOf = (address: string) => {
    const file = join(home, `shells-${address}`);
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
  };

  beforeAll(async () => {
    removeUser();
    execFileSync('useradd', ['-m', '-s', '/bin/bash', USER]);
    execFileSync('chpasswd', { input: `${USER}:${PASSWORD}\n` });
    writeFileSync(SUDOERS, `${USER} ALL=(ALL) ALL\n`, { mode: 0o440 });
    // One line per shell, in a file per address the shell was reached on; with ~/slow-rc
    // present, a profile that takes longer than the old fixed 10 s wait for the shell.
    writeFileSync(
      join(home, '.bashrc'),
      'echo x >> "$HOME/shells-$(echo "$SSH_CONNECTION" | cut -d" " -f3)"\n' +
        `if [ -f "$HOME/slow-rc" ]; then sleep ${SLOW_RC_SECONDS}; fi\n`,
    );
    sshd = await startSshd();
    chmodSync(sshd.dir, 0o711);
    chmodSync(join(sshd.dir, 'authorized_keys'), 0o755);
    copyFileSync(join(sshd.dir, 'authorized_keys', 'root'), join(sshd.dir, 'authorized_keys', USER));
    dir = mkdtempSync(join(tmpdir(), 'runner-shells-'));
    writeFileSync(
      join(dir, 'inventory.yml'),
      [
        'all:',
        '  vars:',
        `    ansible_user: ${USER}`,
        `    ansible_ssh_private_key_file: ${sshd.clientKeyFile}`,
        '  hosts:',
        ...HOSTS.map((a) => `    ${a}:`),
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'become.yml'),
      [
        '- name: become tasks',
        '  hosts: all',
        '  gather_facts: true',
        '  become: true',
        '  tasks:',
        '    - name: who',
        '      command: id -un',
        '      register: who',
        '    - name: write as root',
        '      copy:',
        '        content: "root wrote this\\n"',
        '        dest: /root/runner-shells-{{ inventory_hostname }}',
        '    - name: read it back',
        '      command: cat /root/runner-shells-{{ inventory_hostname }}',
        '      register: back',
        '    - name: as the login user, between become tasks',
        '      command: id -un',
        '      become: false',
        '      register: plain',
        '    - name: root again',
        '      shell: id -un; rm -f /root/runner-shells-{{ inventory_hostname }}',
        '      register: again',
        '    - name: show',
        '      debug:',
        '        msg: "{{ who.stdout }} {{ back.stdout }} {{ plain.stdout }} {{ again.stdout }}"',
        '',
      ].join('\n'),
    );
    // register's host-side steps, as plain modules: read root's agent state, put the
    // installer and a secret preconfig as root, run the installer as root, wait for it,
    // clean up; facts first, one step as the login user in between.
    writeFileSync(
      join(dir, 'register-like.yml'),
      [
        '- name: register-like',
        '  hosts: all',
        '  gather_facts: true',
        '  tasks:',
        '    - name: registration state (root-owned config)',
        '      shell: cat /root/runner-shells-{{ inventory_hostname }}.yml 2>/dev/null || echo none',
        '      become: true',
        '      register: state',
        '    - name: agent credentials (no host work)',
        '      set_fact:',
        '        agent_key: "k-{{ inventory_hostname }}"',
        '      no_log: true',
        '    - name: put the installer as root',
        '      copy:',
        '        content: "#!/bin/sh\\necho registered > /root/runner-shells-$1.yml\\n"',
        '        dest: /root/runner-shells-install-{{ inventory_hostname }}.sh',
        '        mode: "0700"',
        '      become: true',
        '    - name: put the preconfig as root',
        '      copy:',
        '        content: "key: {{ agent_key }}\\n"',
        '        dest: /root/runner-shells-preconfig-{{ inventory_hostname }}',
        '        mode: "0600"',
        '      become: true',
        '      no_log: true',
        '    - name: the login user, in between',
        '      command: id -un',
        '      register: plain',
        '    - name: install and register',
        '      command: /root/runner-shells-install-{{ inventory_hostname }}.sh {{ inventory_hostname }}',
        '      become: true',
        '    - name: wait until registered',
        '      command: cat /root/runner-shells-{{ inventory_hostname }}.yml',
        '      become: true',
        '      register: done',
        '      until: "\'registered\' in done.stdout"',
        '      retries: 2',
        '      delay: 0',
        '    - name: clean up',
        '      shell: rm -f /root/runner-shells-*{{ inventory_hostname }}*',
        '      become: true',
        '    - name: show',
        '      debug:',
        '        msg: "{{ state.stdout }} {{ plain.stdout }} {{ done.stdout }}"',
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await sshd?.stop();
    removeUser();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const play = (password: string, playbook = 'become.yml', extra: string[] = []) => {
    for (const a of HOSTS) rmSync(join(home, `shells-${a}`), { force: true });
    // The password travels in a vars file, as a user would keep it, never in argv.
    writeFileSync(join(dir, 'pw.json'), JSON.stringify({ ansible_become_password: password }));
    return runCli(
      [
        'play',
        playbook,
        '-i',
        'inventory.yml',
        '--host-key-checking',
        'off',
        '--json',
        '-e',
        '@pw.json',
        ...extra,
      ],
      { cwd: dir, env: { HOME: dir } },
    );
  };

  it('runs a play of become tasks (facts, sudo with a password, a copy) on one login shell per host', async () => {
    const result = await play(PASSWORD);
    expect(result.stderr).not.toContain('failed:');
    expect(result.code).toBe(0);
    const recap = recapOf(result);
    expect(recap.hosts.map((r) => [r.host, r.status, r.failed])).toEqual(HOSTS.map((h) => [h, 'ok', 0]));
    const shown = result.events.filter((e) => e.type === 'host.task.result' && e.result.task === 'show');
    expect(shown).toHaveLength(HOSTS.length);
    for (const event of shown) {
      if (event.type !== 'host.task.result') continue;
      expect(event.result.msg).toBe(`root root wrote this ${USER} root`);
    }
    expect(HOSTS.map(shellsOf)).toEqual(HOSTS.map(() => 1));
  });

  it("runs register's host-side steps (facts, root reads, puts as root, install, wait) on one login shell per host", async () => {
    const result = await play(PASSWORD, 'register-like.yml');
    expect(result.stderr).not.toContain('failed:');
    expect(result.code).toBe(0);
    expect(recapOf(result).hosts.map((r) => [r.host, r.status])).toEqual(HOSTS.map((h) => [h, 'ok']));
    const shown = result.events.filter((e) => e.type === 'host.task.result' && e.result.task === 'show');
    expect(shown).toHaveLength(HOSTS.length);
    for (const event of shown) {
      if (event.type !== 'host.task.result') continue;
      expect(event.result.msg).toBe(`none ${USER} registered`);
    }
    expect(HOSTS.map(shellsOf)).toEqual(HOSTS.map(() => 1));
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('waits for a slow login profile as long as the connection timeout (-T), still one login shell per host', async () => {
    writeFileSync(join(home, 'slow-rc'), '');
    try {
      const result = await play(PASSWORD, 'become.yml', ['-T', String(SLOW_RC_SECONDS * 4)]);
      expect(result.code).toBe(0);
      expect(recapOf(result).hosts.map((r) => [r.host, r.status])).toEqual(HOSTS.map((h) => [h, 'ok']));
      // Given up on after a fixed wait, the shell would leave every command a channel (and a profile) of its own.
      expect(HOSTS.map(shellsOf)).toEqual(HOSTS.map(() => 1));
    } finally {
      rmSync(join(home, 'slow-rc'), { force: true });
    }
  });

  it('fails each host with one clear line on a wrong become password, and never prints it', async () => {
    const wrong = 'not the pw 8';
    const result = await play(wrong);
    expect(result.code).toBe(2);
    const recap = recapOf(result);
    for (const row of recap.hosts) {
      expect(row.status).toBe('failed');
      expect(row.msg).toMatch(/incorrect sudo password$/);
    }
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });
});
