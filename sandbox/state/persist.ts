import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AwsState } from './model.js';

/**
 * The sandbox's state file: the AWS state plus the identities that must
 * survive a restart (host keys, instance IDs, default stack, operator key),
 * so a reloaded sandbox answers like the one that stopped. Written atomically
 * with mode 0600: it holds test secrets.
 */
export interface PersistedHost {
  name: string;
  hostKey: string;
  instanceId?: string;
}

export interface PersistedMeta {
  stackId: string;
  vpcId: string;
  hosts: PersistedHost[];
  charliePrivateKey: string;
  identityPrivateKey: string;
}

export interface PersistedFile {
  version: 1;
  meta: PersistedMeta;
  aws: AwsState;
}

export const STATE_FILE = 'state.json';

export function loadState(dir: string): PersistedFile | undefined {
  const file = join(dir, STATE_FILE);
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as PersistedFile;
  return parsed.version === 1 ? parsed : undefined;
}

export function saveState(dir: string, data: PersistedFile): void {
  const file = join(dir, STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
  renameSync(tmp, file);
}
