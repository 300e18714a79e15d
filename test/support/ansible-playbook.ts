import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';

/** Whether the oracle is installed; in CI its absence is an error, never a silent skip. */
export function ansibleAvailable(): boolean {
  if (existsSync(ANSIBLE_PLAYBOOK)) return true;
  const hint = `the parity suite needs ${ANSIBLE_PLAYBOOK}: apt-get install -y ansible-core (and python3 on the targets)`;
  if (process.env.CI) throw new Error(hint);
  console.warn(`skipping the Ansible parity suite: ${hint}`);
  return false;
}

export interface RecapCounts {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
  ignored: number;
}

export interface AnsibleRun {
  code: number | null;
  stdout: string;
  stderr: string;
  recap: Record<string, RecapCounts>;
}

/**
 * Runs ansible-playbook with a config of the test's own (nothing from
 * /etc/ansible or ~/.ansible.cfg), no colour, the default callback, and ssh
 * checking host keys against `knownHostsFile`. `dir` is HOME and holds the
 * config; `controlDir` must be a short path (ssh's 108-byte socket limit).
 */
export function runAnsiblePlaybook(options: {
  dir: string;
  controlDir: string;
  knownHostsFile: string;
  args: string[];
  forks?: number;
  env?: Record<string, string>;
}): Promise<AnsibleRun> {
  const { dir } = options;
  const env = {
    ...process.env,
    ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
    ANSIBLE_STDOUT_CALLBACK: 'default',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_NOCOWS: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-local'),
    ANSIBLE_REMOTE_TEMP: join(dir, 'ansible-remote'),
    ANSIBLE_SSH_CONTROL_PATH_DIR: options.controlDir,
    ANSIBLE_SSH_ARGS: `-o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${options.knownHostsFile} -o StrictHostKeyChecking=yes`,
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_FORKS: String(options.forks ?? 5),
    ANSIBLE_DEPRECATION_WARNINGS: 'False',
    HOME: dir,
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(ANSIBLE_PLAYBOOK, options.args, { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
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
      resolve({ code, stdout, stderr, recap: parseRecap(stdout) });
    });
  });
}

/** The default callback's recap: `p1  : ok=3 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0`. */
export function parseRecap(stdout: string): Record<string, RecapCounts> {
  const recap: Record<string, RecapCounts> = {};
  for (const line of stdout.split('\n')) {
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
  return recap;
}
