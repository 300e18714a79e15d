import { access } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { RunnerError } from '../errors.js';
import { expandHome } from '../expand-home.js';
import type { Vars } from '../inventory/types.js';
import { loadVarsFile } from '../inventory/vars-files.js';
import type { PlaybookDefinition, SourceLocation } from './model.js';

/** One `vars_files` entry: a path, or a list of paths of which the first that exists is read. */
export interface VarsFilesEntry {
  paths: string[];
  where?: SourceLocation;
}

/**
 * Reads every play's `vars_files` into its vars, in order, as Ansible does:
 * paths relative to the playbook, `~` expanded, later files winning, and the
 * whole above the play's `vars` (play vars < vars_files in Ansible's order).
 * A missing file is an error naming the playbook line that asked for it.
 */
export async function applyVarsFiles(playbook: PlaybookDefinition): Promise<void> {
  const base = playbook.file ? dirname(playbook.file) : process.cwd();
  for (const play of playbook.plays) {
    if (!play.varsFiles || play.varsFiles.length === 0) continue;
    const fromFiles: Vars = {};
    for (const entry of play.varsFiles) {
      const file = await firstExisting(entry, base);
      Object.assign(fromFiles, (await loadVarsFile(file)) ?? {});
    }
    play.vars = { ...(play.vars ?? {}), ...fromFiles };
  }
}

async function firstExisting(entry: VarsFilesEntry, base: string): Promise<string> {
  for (const path of entry.paths) {
    if (path.includes('{{')) {
      throw new RunnerError(
        'PLAYBOOK_INVALID',
        `vars_files path "${path}" is a template; runner reads vars_files when the playbook loads, so name the file`,
        entry.where,
      );
    }
    const expanded = expandHome(path);
    const file = isAbsolute(expanded) ? expanded : resolve(base, expanded);
    try {
      await access(file);
      return file;
    } catch {
      // Ansible tries the next path of a list before giving up.
    }
  }
  throw new RunnerError(
    'FILE_NOT_FOUND',
    `vars_files: could not find ${entry.paths.map((p) => `"${p}"`).join(' or ')}`,
    entry.where,
  );
}
