import { readFile } from 'node:fs/promises';
import {
  type Alias,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLMap,
} from 'yaml';
import { fileNotFound, RunnerError } from '../errors.js';
import type { Vars } from '../inventory/types.js';
import { checkAliases } from '../inventory/yaml-aliases.js';
import { yamlErrorText } from '../inventory/yaml-load.js';
import { pyyamlTags } from '../inventory/yaml11.js';
import { PLAY_KEYWORDS, TASK_KEYWORDS } from './keywords.js';
import type { PlaybookDefinition, PlayDefinition, SourceLocation, TaskDefinition } from './model.js';
import { applyVarsFiles } from './play-vars-files.js';
import { STRATEGIES } from './strategies/index.js';

/**
 * Reads an Ansible-syntax YAML playbook into the playbook model, keeping the
 * line of every play and task for error messages. YAML is read as YAML 1.1,
 * as Ansible (PyYAML) reads it. Module names are checked later, against the
 * loaded plugins.
 */
export async function loadYamlPlaybook(file: string): Promise<PlaybookDefinition> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw fileNotFound(file, 'playbook');
    throw new RunnerError('FILE_NOT_FOUND', `cannot read playbook ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  const playbook = parseYamlPlaybook(text, file);
  await applyVarsFiles(playbook);
  return playbook;
}

export function parseYamlPlaybook(text: string, file: string): PlaybookDefinition {
  const lineCounter = new LineCounter();
  // PyYAML's scalar rules exactly (the yaml package's 1.1 schema reads `y`/`n`
  // as booleans, PyYAML does not). Duplicate keys are refused: PyYAML would
  // keep the last silently, which hides mistakes.
  const doc = parseDocument(text, {
    version: '1.1',
    customTags: pyyamlTags,
    merge: true,
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const at = (node: Node | null | undefined): SourceLocation => {
    const offset = node?.range?.[0];
    if (offset === undefined) return { file };
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  const fail = (message: string, node?: Node | null): never => {
    throw new RunnerError('PLAYBOOK_INVALID', message, at(node));
  };
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const pos = lineCounter.linePos(error.pos[0]);
    throw new RunnerError(
      'YAML_SYNTAX',
      `YAML syntax error: ${yamlErrorText(error.message.split('\n')[0]!)}`,
      {
        file,
        line: pos.line,
        column: pos.col,
        cause: error,
      },
    );
  }
  checkAliases(doc, lineCounter, file);
  const root = doc.contents;
  if (!isSeq(root)) fail('a playbook must be a list of plays', root);
  const plays: PlayDefinition[] = [];
  // Values are converted against the document, so that aliases resolve to their anchors (as PyYAML does).
  const toJS: ToJS = Object.assign(
    (node: Node | null): unknown => {
      if (!node) return node;
      try {
        return node.toJS(doc, { maxAliasCount: 10_000 });
      } catch (error) {
        return fail(`YAML error: ${(error as Error).message}`, node);
      }
    },
    { deref: (alias: Alias) => alias.resolve(doc) },
  );
  for (const item of (root as { items: unknown[] }).items as Node[]) {
    const playNode = isAlias(item) ? (toJS.deref(item) as Node) : item;
    if (!isMap(playNode)) fail('each play must be a mapping with "hosts" and "tasks"', playNode);
    plays.push(readPlay(playNode as YAMLMap, at, fail, toJS));
  }
  return { name: file, file, plays };
}

type At = (node: Node | null | undefined) => SourceLocation;
type Fail = (message: string, node?: Node | null) => never;
type ToJS = ((node: Node | null) => unknown) & { deref(alias: Alias): unknown };

function entries(
  map: YAMLMap,
  toJS: ToJS,
): { key: string; keyNode: Node; valueNode: Node | null; value: unknown }[] {
  return map.items.map((pair) => {
    const keyNode = pair.key as Node;
    let valueNode = (pair.value ?? null) as Node | null;
    // A whole play, task or keyword value may itself be an alias (`vars: *common`).
    const value = toJS(valueNode);
    if (isAlias(valueNode)) valueNode = (toJS.deref(valueNode) as Node | undefined) ?? valueNode;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    return { key, keyNode, valueNode, value };
  });
}

/**
 * How a keyword's value becomes a model field: the field's name and a reader
 * that checks and converts the value. Plays and tasks share the readers, so a
 * keyword both accept (`become`, `tags`, …) is read one way.
 */
type Field = [field: string, read: (value: unknown, key: string, node: Node | null, fail: Fail) => unknown];

const asText = (value: unknown) => String(value);
const asNumber = (value: unknown) => Number(value);
const asIs = (value: unknown) => value;
const asVars = (value: unknown) => (value ?? {}) as Vars;

const COMMON_FIELDS: Record<string, Field> = {
  name: ['name', asText],
  become: ['become', asBool],
  become_user: ['becomeUser', asText],
  tags: ['tags', tagList],
};

const PLAY_FIELDS: Record<string, Field> = {
  ...COMMON_FIELDS,
  gather_facts: ['gatherFacts', asBool],
  serial: ['serial', asIs],
  any_errors_fatal: ['anyErrorsFatal', asBool],
};

const TASK_FIELDS: Record<string, Field> = {
  ...COMMON_FIELDS,
  when: ['when', asConditions],
  ignore_errors: ['ignoreErrors', asBool],
  changed_when: ['changedWhen', asConditions],
  failed_when: ['failedWhen', asConditions],
  retries: ['retries', asNumber],
  until: ['until', asConditions],
  delay: ['delay', asNumber],
  vars: ['vars', asVars],
  loop: ['loop', asIs],
  with_items: ['loop', asIs],
  no_log: ['noLog', asBool],
};

/** Sets the field a table names for `key`; false when the keyword needs more than a reader. */
function readField(
  target: Record<string, unknown>,
  fields: Record<string, Field>,
  entry: { key: string; valueNode: Node | null; value: unknown },
  fail: Fail,
): boolean {
  const field = Object.hasOwn(fields, entry.key) ? fields[entry.key] : undefined;
  if (!field) return false;
  target[field[0]] = field[1](entry.value, entry.key, entry.valueNode, fail);
  return true;
}

function readPlay(map: YAMLMap, at: At, fail: Fail, toJS: ToJS): PlayDefinition {
  const play: Partial<PlayDefinition> & { tasks: TaskDefinition[] } = { tasks: [], where: at(map) };
  let sawHosts = false;
  for (const entry of entries(map, toJS)) {
    const { key, keyNode, valueNode, value } = entry;
    if (!PLAY_KEYWORDS.has(key)) fail(`unsupported play keyword "${key}"`, keyNode);
    if (readField(play, PLAY_FIELDS, entry, fail)) continue;
    switch (key) {
      case 'hosts':
        sawHosts = true;
        play.hosts = Array.isArray(value) ? value.join(':') : String(value ?? '');
        break;
      case 'vars':
        if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
          fail('play "vars" must be a mapping', valueNode);
        }
        play.vars = (value ?? {}) as Vars;
        break;
      case 'vars_files': {
        const list = value === null ? [] : Array.isArray(value) ? value : [value];
        play.varsFiles = list.map((item, i) => {
          const paths = Array.isArray(item) ? item : [item];
          if (paths.some((p) => typeof p !== 'string'))
            fail('"vars_files" must be a list of paths', valueNode);
          const node = isSeq(valueNode) ? (valueNode.items[i] as Node) : valueNode;
          return { paths: paths as string[], where: at(node) };
        });
        break;
      }
      case 'become_method':
        if (value !== 'sudo' && value !== 'su')
          fail(`become_method must be sudo or su, got "${value}"`, valueNode);
        play.becomeMethod = value as 'sudo' | 'su';
        break;
      case 'strategy':
        if (typeof value !== 'string' || !STRATEGIES.has(value))
          fail(`strategy must be ${[...STRATEGIES.keys()].join(' or ')}, got "${value}"`, valueNode);
        play.strategy = value as string;
        break;
      case 'max_fail_percentage':
        if (typeof value !== 'number') fail('max_fail_percentage must be a number', valueNode);
        play.maxFailPercentage = value as number;
        break;
      case 'tasks':
        if (value === null) break;
        if (!isSeq(valueNode)) fail('play "tasks" must be a list', valueNode);
        for (const item of (valueNode as { items: unknown[] }).items as Node[]) {
          const taskNode = isAlias(item) ? (toJS.deref(item) as Node) : item;
          if (!isMap(taskNode)) fail('each task must be a mapping', taskNode);
          play.tasks.push(readTask(taskNode as YAMLMap, at, fail, toJS));
        }
        break;
    }
  }
  if (!sawHosts || !play.hosts) fail('play has no "hosts"', map);
  if (play.tags?.length) {
    for (const task of play.tasks) task.tags = [...new Set([...(task.tags ?? []), ...play.tags!])];
  }
  play.name ??= play.hosts;
  return play as PlayDefinition;
}

/** `tags: [a, b]`, or `tags: a, b` as one string. */
function tagList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.map(String)
    : String(value)
        .split(',')
        .map((t) => t.trim());
}

function asBool(value: unknown, key: string, node: Node | null, fail: Fail): boolean {
  if (typeof value !== 'boolean') fail(`"${key}" must be true or false`, node);
  return value as boolean;
}

function asConditions(value: unknown): string | string[] | boolean {
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(String);
  return String(value);
}

function readTask(map: YAMLMap, at: At, fail: Fail, toJS: ToJS): TaskDefinition {
  const task: Partial<TaskDefinition> = { where: at(map) };
  const moduleKeys: { key: string; keyNode: Node; value: unknown }[] = [];
  let extraArgs: Record<string, unknown> | undefined;
  for (const entry of entries(map, toJS)) {
    const { key, keyNode, valueNode, value } = entry;
    if (!TASK_KEYWORDS.has(key)) {
      moduleKeys.push({ key, keyNode, value });
      continue;
    }
    if (readField(task, TASK_FIELDS, entry, fail)) continue;
    if (key === 'register') {
      if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
        fail('"register" must be a variable name', valueNode);
      }
      task.register = value as string;
    } else if (key === 'args') {
      extraArgs = (value ?? {}) as Record<string, unknown>;
    }
  }
  if (moduleKeys.length === 0) fail('task has no module (e.g. "shell: …")', map);
  if (moduleKeys.length > 1) {
    const names = moduleKeys.map((m) => `"${m.key}"`).join(', ');
    fail(`task has more than one module or an unsupported keyword: ${names}`, moduleKeys[1]!.keyNode);
  }
  const { key: module, value } = moduleKeys[0]!;
  task.module = module;
  task.rawArgs = value;
  task.args = { ...(extraArgs ?? {}) };
  task.name ??= module;
  // Errors about a task point at its module key: the line that names what it does.
  task.where = at(moduleKeys[0]!.keyNode);
  return task as TaskDefinition;
}
