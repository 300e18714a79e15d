import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temp file the suite makes (keys, inventories, sandbox state, files
 * hosts wrote) goes under one directory that is removed when the run ends,
 * whatever a test forgot: no stray files, and no stray key material, after CI.
 * Workers and the processes they spawn inherit TMPDIR.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'runner-suite-'));
  // The sshd tests log in as unprivileged users, whose sshd reads keys under here.
  chmodSync(dir, 0o755);
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
