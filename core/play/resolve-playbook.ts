import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { fileNotFound, RunnerError } from '../errors.js';
import { importUserModule } from '../import-module.js';
import type { PluginRegistry } from '../plugin/registry.js';
import type { PlaybookDefinition } from './model.js';
import { loadYamlPlaybook } from './yaml-loader.js';

/**
 * `runner play <name>`: a plugin's named playbook first (`register`), else a
 * file: YAML in Ansible's syntax, or TypeScript/JavaScript exporting
 * definePlaybook(...) as default.
 */
export async function resolvePlaybook(
  spec: string,
  registry: PluginRegistry,
  cwd: string,
): Promise<PlaybookDefinition> {
  const file = resolve(cwd, spec);
  const playbook = await resolveFile(spec, file, registry);
  // Built-in plugins load when used: the ones this playbook's tasks and checks need, before it is checked.
  await registry.loadFor(playbook);
  return playbook;
}

async function resolveFile(
  spec: string,
  file: string,
  registry: PluginRegistry,
): Promise<PlaybookDefinition> {
  if (!existsSync(file)) await registry.loadNamed('playbooks', spec);
  const named = registry.playbooks.get(spec);
  if (named && !existsSync(file)) return named.value;
  const ext = extname(file);
  if (['.ts', '.mts', '.js', '.mjs'].includes(ext)) {
    if (!existsSync(file)) throw fileNotFound(file, 'playbook');
    const mod = (await importUserModule(file)) as { default?: PlaybookDefinition };
    const playbook = mod.default;
    if (!playbook || !Array.isArray(playbook.plays)) {
      throw new RunnerError(
        'PLAYBOOK_INVALID',
        'a TypeScript playbook must export definePlaybook({...}) as default',
        {
          file,
        },
      );
    }
    return { ...playbook, file };
  }
  if (!existsSync(file) && !/[/\\]|\.ya?ml$/.test(spec)) {
    const known = [...registry.playbooks.keys()];
    throw new RunnerError(
      'FILE_NOT_FOUND',
      `playbook "${spec}" is neither a file nor a plugin playbook${known.length ? ` (known: ${known.join(', ')})` : ''}`,
      { file },
    );
  }
  return loadYamlPlaybook(file);
}
