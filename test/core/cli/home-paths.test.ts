import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

// Every controller-side path a user writes with `~` means their home, as in
// Ansible: src of copy/template/script, vars_files, -e @file, --log-dir and the
// config's logDir. HOME is a scratch dir; the playbook lives elsewhere, so only
// the expansion can find these files.
describe('~ in controller-side paths', () => {
  let home: string;
  let work: string;
  let out: string;

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'runner-home-'));
    work = mkdtempSync(join(tmpdir(), 'runner-work-'));
    out = join(work, 'out');
    mkdirSync(out);
    writeFileSync(join(home, 'motd'), 'copied from home\n');
    writeFileSync(join(home, 'greeting.j2'), 'hello {{ who }} and {{ extra }}\n');
    writeFileSync(join(home, 'touch.sh'), `#!/bin/sh\necho "$1" > ${out}/script.txt\n`);
    writeFileSync(join(home, 'vars.yml'), 'who: vars_files\n');
    writeFileSync(join(home, 'extra.yml'), 'extra: extra_vars\n');
    writeFileSync(join(work, 'inv.yml'), 'all:\n  hosts:\n    here:\n      ansible_connection: local\n');
    writeFileSync(
      join(work, 'site.yml'),
      [
        '- hosts: all',
        '  gather_facts: false',
        '  vars_files: [~/vars.yml]',
        '  tasks:',
        `    - copy: { src: ~/motd, dest: ${out}/motd }`,
        `    - template: { src: ~/greeting.j2, dest: ${out}/greeting }`,
        '    - script: ~/touch.sh from-script',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('finds src, vars_files and -e @file under HOME, and writes --log-dir there', async () => {
    const r = await runCli(
      ['play', 'site.yml', '-i', 'inv.yml', '-e', '@~/extra.yml', '--log-dir', '~/logs'],
      { cwd: work, env: { HOME: home } },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(out, 'motd'), 'utf8')).toBe('copied from home\n');
    expect(readFileSync(join(out, 'greeting'), 'utf8')).toBe('hello vars_files and extra_vars\n');
    expect(readFileSync(join(out, 'script.txt'), 'utf8')).toBe('from-script\n');
    expect(readdirSync(join(home, 'logs'))).toContain('here.log');
    expect(existsSync(join(work, '~'))).toBe(false);
  });

  it("takes the config's logDir under HOME too", async () => {
    writeFileSync(join(work, '.runnerrc.json'), JSON.stringify({ logDir: '~/config-logs' }));
    try {
      const r = await runCli(['play', 'site.yml', '-i', 'inv.yml', '-e', '@~/extra.yml'], {
        cwd: work,
        env: { HOME: home },
      });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(readdirSync(join(home, 'config-logs'))).toContain('here.log');
    } finally {
      rmSync(join(work, '.runnerrc.json'));
    }
  });

  it('names the expanded path when a src under ~ is missing', async () => {
    writeFileSync(
      join(work, 'missing.yml'),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { src: ~/nope.txt, dest: ${out}/nope }\n`,
    );
    const r = await runCli(['play', 'missing.yml', '-i', 'inv.yml'], { cwd: work, env: { HOME: home } });
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain(`Could not find or access '${join(home, 'nope.txt')}'`);
  });
});
