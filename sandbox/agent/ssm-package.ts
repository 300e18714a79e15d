import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from 'tar';

/**
 * Builds the SSM agent package the sandbox's S3 serves where AWS serves the
 * real one (`amazon-ssm-<region>/latest/linux_<arch>/…`): a tarball, since a
 * sandbox host has no package manager of its own, holding
 * `amazon-ssm-agent/install` (puts the agent under the host's root, as the
 * deb/rpm puts it under /usr/bin and /etc/amazon/ssm), the agent script
 * `amazon-ssm-agent.mjs`, and `amazon-ssm-agent.json`, whose `Ssm.Endpoint`
 * points the agent at this sandbox (the real agent's endpoint override).
 */
const here = dirname(fileURLToPath(import.meta.url));

export const SSM_AGENT_KEYS = [
  'latest/linux_amd64/amazon-ssm-agent.tar.gz',
  'latest/linux_arm64/amazon-ssm-agent.tar.gz',
] as const;

export const ssmAgentBucket = (region: string): string => `amazon-ssm-${region}`;

/** Escapes a value for use inside double quotes in sh. */
function inDoubleQuotes(value: string): string {
  return value.replace(/["$`\\]/g, '\\$&');
}

export function installScript(nodePath: string): string {
  return [
    '#!/bin/sh',
    '# amazon-ssm-agent stand-in for the runner sandbox: installs under the host root.',
    'set -e',
    'here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
    'root="$RUNNER_SANDBOX_ROOT"',
    'if [ -z "$root" ]; then echo "RUNNER_SANDBOX_ROOT is not set: this package installs only on a sandbox host" >&2; exit 1; fi',
    'mkdir -p "$root/usr/bin" "$root/usr/lib/amazon-ssm-agent" "$root/etc/amazon/ssm" "$root/var/lib/amazon/ssm" "$root/var/log/amazon/ssm"',
    'cp "$here/amazon-ssm-agent.mjs" "$root/usr/lib/amazon-ssm-agent/amazon-ssm-agent.mjs"',
    'cp "$here/amazon-ssm-agent.json" "$root/etc/amazon/ssm/amazon-ssm-agent.json"',
    `node="\${RUNNER_SANDBOX_NODE:-${inDoubleQuotes(nodePath)}}"`,
    '{',
    "  echo '#!/bin/sh'",
    '  printf \'exec "%s" "%s" "$@"\\n\' "$node" "$root/usr/lib/amazon-ssm-agent/amazon-ssm-agent.mjs"',
    '} > "$root/usr/bin/amazon-ssm-agent"',
    'chmod 755 "$root/usr/bin/amazon-ssm-agent"',
    'echo "amazon-ssm-agent installed in $root/usr/bin"',
    '',
  ].join('\n');
}

export async function buildSsmAgentPackage(endpoint: string, nodePath = process.execPath): Promise<Buffer> {
  const work = mkdtempSync(join(tmpdir(), 'runner-sandbox-ssm-agent-'));
  try {
    const dir = join(work, 'amazon-ssm-agent');
    mkdirSync(dir);
    writeFileSync(join(dir, 'install'), installScript(nodePath), { mode: 0o755 });
    writeFileSync(join(dir, 'amazon-ssm-agent.mjs'), readFileSync(join(here, 'amazon-ssm-agent.mjs')), {
      mode: 0o644,
    });
    writeFileSync(
      join(dir, 'amazon-ssm-agent.json'),
      `${JSON.stringify({ Ssm: { Endpoint: endpoint } }, null, 2)}\n`,
      {
        mode: 0o644,
      },
    );
    const out = join(work, 'amazon-ssm-agent.tar.gz');
    await create({ gzip: true, file: out, cwd: work, portable: true }, ['amazon-ssm-agent']);
    return readFileSync(out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
