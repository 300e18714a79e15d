import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, recapOf, runCli } from '../../support/cli.js';
import { loopbackAddresses, requireSshd, type Sshd, startSshd } from '../../support/sshd.js';

// copy, template, file, wait_for and script over real SSH: a first run
// converges two hosts, a second run on the converged hosts changes nothing,
// and --check on fresh hosts predicts the first run without writing.
const run = requireSshd();
const addresses = loopbackAddresses(2, 40);

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  vars:
    out: "{{ base }}/{{ inventory_hostname }}"
  tasks:
    - name: directory
      file: { path: "{{ out }}/conf", state: directory, mode: "0750" }
    - name: copy from files/
      copy: { src: motd.txt, dest: "{{ out }}/conf/motd", mode: "0640" }
    - name: copy content
      copy:
        content: "host={{ inventory_hostname }}\\n"
        dest: "{{ out }}/conf/host.env"
    - name: template
      template: { src: app.conf.j2, dest: "{{ out }}/conf/app.conf", mode: 0600 }
    - name: link
      file: { src: conf/app.conf, path: "{{ out }}/app.conf", state: link }
    - name: absent
      file: path={{ out }}/gone state=absent
    - name: wait for the file
      wait_for: { path: "{{ out }}/conf/app.conf", search_regex: "port=80[0-9]+", timeout: 5 }
    - name: script once
      script: setup.sh {{ out }} --flag
      args:
        creates: "{{ out }}/script-ran"
`;

describe.runIf(run)('file modules over real sshd', () => {
  let sshd: Sshd;
  let dir: string;

  beforeAll(async () => {
    sshd = await startSshd({ knownAddresses: addresses });
    dir = mkdtempSync(join(tmpdir(), 'runner-file-modules-'));
    mkdirSync(join(dir, 'files'));
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'files', 'motd.txt'), 'welcome\n');
    writeFileSync(
      join(dir, 'templates', 'app.conf.j2'),
      '# {{ inventory_hostname }}\n{% for p in ports %}\nport={{ p }}\n{% endfor %}\n',
    );
    writeFileSync(join(dir, 'files', 'setup.sh'), '#!/bin/sh\necho "$2" > "$1/script-ran"\n');
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    writeFileSync(
      join(dir, 'inventory.yml'),
      [
        'all:',
        '  vars:',
        '    ansible_user: root',
        `    ansible_ssh_private_key_file: ${sshd.clientKeyFile}`,
        '    ports: [8080, 8081]',
        '  hosts:',
        ...addresses.map((a, i) => `    h${i}:\n      ansible_host: ${a}`),
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const play = (base: string, ...extra: string[]): Promise<CliRun> =>
    runCli(
      [
        'play',
        'site.yml',
        '-i',
        'inventory.yml',
        '-e',
        `base=${base}`,
        '--host-key-checking',
        'strict',
        '--known-hosts',
        sshd.knownHostsFile,
        '--json',
        ...extra,
      ],
      { cwd: dir, env: { HOME: dir } },
    );

  const changedTasks = (result: CliRun, host: string) =>
    result.events.flatMap((e) =>
      e.type === 'host.task.result' && e.result.host === host && e.result.status === 'changed'
        ? [e.result.task]
        : [],
    );

  it('converges, then reports ok on a second run', async () => {
    const base = join(dir, 'out');
    const first = await play(base);
    expect(first.code, first.stderr).toBe(0);
    for (const row of recapOf(first).hosts) expect(row).toMatchObject({ ok: 8, changed: 6, failed: 0 });
    expect(changedTasks(first, 'h0')).toEqual([
      'directory',
      'copy from files/',
      'copy content',
      'template',
      'link',
      'script once',
    ]);
    const out = join(base, 'h1');
    expect(statSync(join(out, 'conf')).mode & 0o7777).toBe(0o750);
    expect(readFileSync(join(out, 'conf', 'motd'), 'utf8')).toBe('welcome\n');
    expect(statSync(join(out, 'conf', 'motd')).mode & 0o7777).toBe(0o640);
    expect(readFileSync(join(out, 'conf', 'host.env'), 'utf8')).toBe('host=h1\n');
    expect(statSync(join(out, 'conf', 'host.env')).mode & 0o7777).toBe(0o644);
    expect(readFileSync(join(out, 'conf', 'app.conf'), 'utf8')).toBe('# h1\nport=8080\nport=8081\n');
    expect(statSync(join(out, 'conf', 'app.conf')).mode & 0o7777).toBe(0o600);
    expect(lstatSync(join(out, 'app.conf')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(out, 'app.conf'))).toBe('conf/app.conf');
    expect(readFileSync(join(out, 'script-ran'), 'utf8')).toBe('--flag\n');

    const second = await play(base);
    expect(second.code, second.stderr).toBe(0);
    for (const row of recapOf(second).hosts) {
      expect(row).toMatchObject({ ok: 7, changed: 0, failed: 0, skipped: 1 });
    }
  });

  it('rewrites only what drifted, and --check predicts it without writing', async () => {
    const base = join(dir, 'drift');
    await play(base);
    writeFileSync(join(base, 'h0', 'conf', 'motd'), 'edited\n');
    const checked = await play(base, '--check');
    expect(checked.code, checked.stderr).toBe(0);
    expect(changedTasks(checked, 'h0')).toEqual(['copy from files/']);
    expect(readFileSync(join(base, 'h0', 'conf', 'motd'), 'utf8')).toBe('edited\n');
    const r1 = await play(base);
    expect(changedTasks(r1, 'h0')).toEqual(['copy from files/']);
    expect(changedTasks(r1, 'h1')).toEqual([]);
    expect(readFileSync(join(base, 'h0', 'conf', 'motd'), 'utf8')).toBe('welcome\n');
    expect(statSync(join(base, 'h0', 'conf', 'motd')).mode & 0o7777).toBe(0o640);
  });

  it('under --check on a fresh host predicts the writes, writes nothing, and fails where Ansible does', async () => {
    const base = join(dir, 'checked');
    mkdirSync(base);
    const result = await play(base, '--check');
    expect(changedTasks(result, 'h0')).toEqual(['directory', 'copy from files/', 'copy content', 'template']);
    // The link's target was only predicted, and Ansible's file module refuses a link to nothing too.
    expect(recapOf(result).hosts[0]!.msg).toContain('src file does not exist');
    expect(result.code).toBe(2);
    expect(() => statSync(join(base, 'h0'))).toThrow();
  });

  it("fails wait_for with Ansible's message at the timeout", async () => {
    writeFileSync(
      join(dir, 'wait.yml'),
      [
        '- hosts: h0',
        '  gather_facts: false',
        '  tasks:',
        '    - wait_for: { path: /nonexistent/runner-file, timeout: 1, sleep: 0.2 }',
        '',
      ].join('\n'),
    );
    const result = await runCli(
      ['play', 'wait.yml', '-i', 'inventory.yml', '--known-hosts', sshd.knownHostsFile, '--json'],
      { cwd: dir, env: { HOME: dir } },
    );
    expect(result.code).toBe(2);
    expect(recapOf(result).hosts[0]!.msg).toContain('Timeout when waiting for file /nonexistent/runner-file');
  });
});
