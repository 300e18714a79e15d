import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RunnerError } from '../errors.js';
import { expandHome } from '../expand-home.js';
import type { Vars } from '../inventory/types.js';
import { isMapping, loadYamlOrJson, toPlain } from '../inventory/yaml-load.js';
import { splitShellWords } from '../play/module-args.js';

/**
 * `-e` as ansible-playbook reads it: `key=value key2=value2`, a JSON or YAML
 * mapping (`-e '{"a": 1}'`), or `@file` (YAML or JSON). Later ones win.
 */
export function parseExtraVars(values: string[], cwd: string): Vars {
  const out: Vars = {};
  for (const value of values) Object.assign(out, parseOne(value, cwd));
  return out;
}

function parseOne(value: string, cwd: string): Vars {
  const text = value.trim();
  if (text.startsWith('@')) {
    const file = resolve(cwd, expandHome(text.slice(1)));
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      throw new RunnerError('FILE_NOT_FOUND', `extra vars file not found: ${file}`, { file });
    }
    return asMapping(parseYaml(content, file), `-e ${text}`);
  }
  if (text.startsWith('{')) return asMapping(parseYaml(text, '-e'), '-e');
  const out: Vars = {};
  for (const word of splitShellWords(text)) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new RunnerError('USAGE', `-e expects key=value, a mapping or @file, got "${word}"`);
    out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}

/**
 * Extra vars as Ansible's DataLoader reads them, like vars files: JSON, else
 * YAML 1.1 with PyYAML's rules; aliases checked, nesting bounded, errors with
 * the file, line and column.
 */
function parseYaml(text: string, file: string): unknown {
  return loadYamlOrJson(text, file).value;
}

function asMapping(value: unknown, where: string): Vars {
  if (isMapping(value)) return toPlain(value) as Vars;
  throw new RunnerError('USAGE', `${where}: extra vars must be a mapping`);
}
