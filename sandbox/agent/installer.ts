import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from 'tar';

/**
 * Builds `opsworks-agent-installer.tgz` as the sandbox's S3 serves it:
 * `opsworks-agent-installer/boot-registration` (a /bin/sh launcher that runs
 * the Node script beside it with this very Node binary) and
 * `boot-registration.mjs` (the agent stand-in: it registers the host).
 */
const here = dirname(fileURLToPath(import.meta.url));

/** Escapes a value for use inside double quotes in sh. */
function inDoubleQuotes(value: string): string {
  return value.replace(/["$`\\]/g, '\\$&');
}

export function launcherScript(nodePath: string): string {
  return [
    '#!/bin/sh',
    '# OpsWorks agent installer stand-in for the runner sandbox.',
    'here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
    `exec "\${RUNNER_SANDBOX_NODE:-${inDoubleQuotes(nodePath)}}" "$here/boot-registration.mjs" "$@"`,
    '',
  ].join('\n');
}

export async function buildInstaller(nodePath = process.execPath): Promise<Buffer> {
  const work = mkdtempSync(join(tmpdir(), 'runner-sandbox-installer-'));
  try {
    const dir = join(work, 'opsworks-agent-installer');
    mkdirSync(dir);
    writeFileSync(join(dir, 'boot-registration'), launcherScript(nodePath), { mode: 0o755 });
    writeFileSync(join(dir, 'boot-registration.mjs'), readFileSync(join(here, 'boot-registration.mjs')), {
      mode: 0o644,
    });
    const out = join(work, 'installer.tgz');
    await create({ gzip: true, file: out, cwd: work, portable: true }, ['opsworks-agent-installer']);
    return readFileSync(out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
