import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFreshBuild } from './fresh-build.js';

/**
 * Every temp file the suite makes (keys, inventories, sandbox state, files
 * hosts wrote, recorded host keys) goes under one directory that is removed when the run ends,
 * whatever a test forgot: no stray files, and no stray key material, after CI.
 * Workers and the processes they spawn inherit TMPDIR.
 */
export default function setup(): () => void {
  // Tests that spawn `runner` run dist/: build it first when the sources changed.
  ensureFreshBuild();
  const dir = mkdtempSync(join(tmpdir(), 'runner-suite-'));
  // The sshd tests log in as unprivileged users, whose sshd reads keys under here.
  chmodSync(dir, 0o755);
  process.env.TMPDIR = dir;
  // runner records accept-new host keys under $HOME/.runner: keep test hosts'
  // keys (new each run, on reused addresses) out of the real one.
  // npm keeps its download cache under HOME: the package tests' installs keep using the real one.
  process.env.npm_config_cache ??= join(homedir(), '.npm');
  process.env.HOME = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
