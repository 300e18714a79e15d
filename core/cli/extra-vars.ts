import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { RunnerError } from '../errors.js';
import { expandHome } from '../expand-home.js';
import type { Vars } from '../inventory/types.js';
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
  if (text.startsWith('{')) return asMapping(parseYaml(text, undefined), '-e');
  const out: Vars = {};
  for (const word of splitShellWords(text)) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new RunnerError('USAGE', `-e expects key=value, a mapping or @file, got "${word}"`);
    out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}

function parseYaml(text: string, file: string | undefined): unknown {
  try {
    return parse(text, { version: '1.1' });
  } catch (error) {
    throw new RunnerError(
      'YAML_SYNTAX',
      `cannot parse extra vars: ${(error as Error).message.split('\n')[0]}`,
      {
        file,
      },
    );
  }
}

function asMapping(value: unknown, where: string): Vars {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Vars;
  throw new RunnerError('USAGE', `${where}: extra vars must be a mapping`);
}
