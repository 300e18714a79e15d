import { spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recapOf, runCli } from '../../support/cli.js';
import { loopbackAddresses, requireSshd, type Sshd, startSshd } from '../../support/sshd.js';

/**
 * Parity with Ansible: every folder under test/fixtures/playbooks/ is a case
 * (playbook.yml, its files/ and templates/, and an optional case.json with
 * extra command-line args and how many runs). The same playbook runs under
 * ansible-playbook and under `runner play`, against the same real-sshd hosts,
 * each writing under <out_root>/<inventory_hostname>; what they leave behind
 * (paths, types, modes, contents, link targets), the per-host recap counts and
 * the exit code must be the same, run after run.
 */
const ANSIBLE = '/usr/bin/ansible-playbook';
const CASES = fileURLToPath(new URL('../../fixtures/playbooks/', import.meta.url));
const HOSTS = 5;

function ansibleAvailable(): boolean {
  if (existsSync(ANSIBLE)) return true;
  const hint = `the parity suite needs ${ANSIBLE}: apt-get install -y ansible-core (and python3 on the targets)`;
  if (process.env.CI) throw new Error(hint);
  console.warn(`skipping the Ansible parity suite: ${hint}`);
  return false;
}

const run = requireSshd() && ansibleAvailable();

interface CaseSpec {
  /** Extra args for both tools (`--tags`, `--skip-tags`, `-e`, `--check`). */
  args?: string[];
  /** Runs on the same hosts in a row (2 checks idempotency). */
  runs?: number;
}

interface Counts {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
  ignored: number;
}

interface Outcome {
  code: number | null;
  recap: Record<string, Counts>;
  output: string;
}

const cases = readdirSync(CASES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(CASES, d.name, 'playbook.yml')))
  .map((d) => d.name)
  .sort();

function spawnCollect(cmd: string, args: string[], env: Record<string, string>, cwd: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What a run left under one root: path -> type, mode, content or link target. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(root)) return out;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      const st = lstatSync(path);
      const rel = relative(root, path);
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      // Each tool has its own root; a path written into a file names it.
      const text = (t: string) => t.replaceAll(root, '<out_root>');
      if (st.isSymbolicLink()) out[rel] = `link -> ${text(readlinkSync(path))}`;
      else if (st.isDirectory()) {
        out[rel] = `dir ${mode}`;
        walk(path);
      } else out[rel] = `file ${mode} ${JSON.stringify(text(readFileSync(path, 'utf8')))}`;
    }
  };
  walk(root);
  return out;
}

describe.runIf(run)('parity with ansible-playbook 2.14', () => {
  let sshd: Sshd;
  let dir: string;
  let controlDir: string;
  const addresses = loopbackAddresses(HOSTS, 60);
  const names = addresses.map((_, i) => `p${i + 1}`);

  beforeAll(async () => {
    sshd = await startSshd({ knownAddresses: addresses });
    dir = mkdtempSync(join(tmpdir(), 'runner-parity-'));
    // ssh's control socket path must stay short (108 bytes).
    controlDir = mkdtempSync('/tmp/ap-');
    writeFileSync(
      join(dir, 'inventory.yml'),
      [
        'all:',
        '  vars:',
        '    ansible_user: root',
        `    ansible_ssh_private_key_file: ${sshd.clientKeyFile}`,
        '    ansible_python_interpreter: /usr/bin/python3',
        '  children:',
        '    parity:',
        '      hosts:',
        ...addresses.map(
          (a, i) => `        ${names[i]}:\n          ansible_host: ${a}\n          host_index: ${i + 1}`,
        ),
        '',
      ].join('\n'),
    );
    // A config of our own, so nothing from /etc/ansible or ~/.ansible.cfg leaks in.
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n');
  });

  afterAll(async () => {
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (controlDir) rmSync(controlDir, { recursive: true, force: true });
  });

  async function ansible(caseDir: string, outRoot: string, args: string[]): Promise<Outcome> {
    const env = {
      ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
      ANSIBLE_STDOUT_CALLBACK: 'default',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_NOCOWS: '1',
      ANSIBLE_RETRY_FILES_ENABLED: '0',
      ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-local'),
      ANSIBLE_REMOTE_TEMP: join(dir, 'ansible-remote'),
      ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
      ANSIBLE_SSH_ARGS: `-o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${sshd.knownHostsFile} -o StrictHostKeyChecking=yes`,
      ANSIBLE_PIPELINING: 'True',
      ANSIBLE_FORKS: String(HOSTS),
      ANSIBLE_DEPRECATION_WARNINGS: 'False',
      HOME: dir,
    };
    const playbook = join(caseDir, 'playbook.yml');
    const inventory = join(dir, 'inventory.yml');
    const result = await spawnCollect(
      ANSIBLE,
      ['-i', inventory, playbook, '-e', `out_root=${outRoot}`, ...args],
      env,
      dir,
    );
    // The default callback's recap: `p1  : ok=3 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0`
    // (the json callback lives in a collection ansible-core does not ship).
    const recap: Record<string, Counts> = {};
    for (const line of result.stdout.split('\n')) {
      const m = /^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$/.exec(line.trim());
      if (!m) continue;
      const n = Object.fromEntries([...m[2]!.matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1]!, Number(x[2])]));
      recap[m[1]!] = {
        ok: n.ok ?? 0,
        changed: n.changed ?? 0,
        failed: n.failed ?? 0,
        skipped: n.skipped ?? 0,
        unreachable: n.unreachable ?? 0,
        ignored: n.ignored ?? 0,
      };
    }
    return { code: result.code, recap, output: `${result.stdout.slice(0, 20_000)}\n${result.stderr}` };
  }

  async function runner(caseDir: string, outRoot: string, args: string[]): Promise<Outcome> {
    const result = await runCli(
      [
        'play',
        join(caseDir, 'playbook.yml'),
        '-i',
        join(dir, 'inventory.yml'),
        '-e',
        `out_root=${outRoot}`,
        '--host-key-checking',
        'strict',
        '--known-hosts',
        sshd.knownHostsFile,
        '--json',
        ...args,
      ],
      { cwd: dir, env: { HOME: dir }, timeoutMs: 900_000 },
    );
    const recap: Record<string, Counts> = {};
    if (result.events.some((e) => e.type === 'run.end')) {
      for (const row of recapOf(result).hosts) {
        const { ok, changed, failed, skipped, unreachable, ignored } = row;
        recap[row.host] = { ok, changed, failed, skipped, unreachable, ignored };
      }
    }
    return { code: result.code, recap, output: result.stderr };
  }

  /** Hosts a tool never mentions did nothing: count them as zeros on both sides. */
  const normalized = (recap: Record<string, Counts>) =>
    Object.fromEntries(
      names.map((n) => [
        n,
        recap[n] ?? { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0 },
      ]),
    );

  for (const name of cases) {
    it(`${name}: same files, recap and exit code`, { timeout: 1_800_000 }, async () => {
      const caseDir = join(CASES, name);
      const specFile = join(caseDir, 'case.json');
      const spec: CaseSpec = existsSync(specFile) ? JSON.parse(readFileSync(specFile, 'utf8')) : {};
      const ansibleRoot = join(dir, name, 'ansible');
      const runnerRoot = join(dir, name, 'runner');
      mkdirSync(ansibleRoot, { recursive: true });
      mkdirSync(runnerRoot, { recursive: true });
      for (let i = 1; i <= (spec.runs ?? 1); i++) {
        const a = await ansible(caseDir, ansibleRoot, spec.args ?? []);
        const r = await runner(caseDir, runnerRoot, spec.args ?? []);
        const context = `run ${i}\n--- ansible ---\n${a.output}\n--- runner ---\n${r.output}`;
        expect(Object.keys(a.recap).length, context).toBeGreaterThan(0);
        expect(normalized(r.recap), context).toEqual(normalized(a.recap));
        expect(r.code, context).toBe(a.code);
        expect(snapshot(runnerRoot), context).toEqual(snapshot(ansibleRoot));
      }
    });
  }
});
