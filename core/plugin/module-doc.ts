import { z } from 'zod';
import type { ModuleDefinition } from './types.js';

export interface ArgDoc {
  name: string;
  /** A TypeScript-like type: `string`, `"a" | "b"`, `string[]`, `any`. */
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

export interface ModuleDoc {
  name: string;
  plugin: string;
  description?: string;
  /** The arg a free-form string fills (`shell: echo hi`). */
  freeForm?: string;
  supportsCheck: boolean;
  /** Runs on the controller only. */
  local: boolean;
  args: ArgDoc[];
  /** Any other key is accepted too (set_fact). */
  openArgs: boolean;
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  additionalProperties?: boolean | JsonSchema;
};

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return [...new Set(union.map(typeOf))].join(' | ');
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (schema.type === 'integer') return 'number';
  return schema.type ?? 'any';
}

/**
 * A module's documentation, from what it declares: its description, and its
 * arguments from its zod schema (type, required, default, `.describe()` text).
 */
export function moduleDoc(name: string, plugin: string, module: ModuleDefinition<unknown>): ModuleDoc {
  const schema = module.args
    ? (z.toJSONSchema(module.args, { unrepresentable: 'any', io: 'input' }) as JsonSchema)
    : undefined;
  const required = new Set(schema?.required ?? []);
  const args = Object.entries(schema?.properties ?? {}).map(([arg, s]) => ({
    name: arg,
    type: typeOf(s),
    required: required.has(arg),
    ...(s.default !== undefined ? { default: s.default } : {}),
    ...(s.description ? { description: s.description } : {}),
  }));
  return {
    name,
    plugin,
    description: module.description,
    freeForm: module.freeForm,
    supportsCheck: module.supportsCheck ?? false,
    local: module.local ?? false,
    args,
    // A plain z.object drops unknown keys; only a record-like schema takes any key.
    openArgs: !schema || typeof schema.additionalProperties === 'object',
  };
}

/** `runner doc <module>` as text, in the spirit of ansible-doc. */
export function formatModuleDoc(doc: ModuleDoc): string {
  const lines = [`${doc.name} (plugin ${doc.plugin})`, ''];
  if (doc.description) lines.push(doc.description, '');
  if (doc.args.length > 0) {
    lines.push('ARGUMENTS');
    for (const arg of doc.args) {
      const flags = [
        arg.type,
        arg.required ? 'required' : undefined,
        arg.default !== undefined ? `default ${JSON.stringify(arg.default)}` : undefined,
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(`  ${arg.name}${doc.freeForm === arg.name ? ' (free form)' : ''}: ${flags}`);
      if (arg.description) lines.push(`      ${arg.description}`);
    }
    lines.push('');
  } else if (!doc.openArgs) {
    lines.push('ARGUMENTS: none', '');
  }
  if (doc.openArgs) lines.push('Any other key=value is accepted.');
  lines.push(
    `Check mode: ${doc.supportsCheck || doc.local ? 'supported' : 'not supported (skipped under --check)'}`,
  );
  if (doc.local) lines.push('Runs on the controller: no connection to the host.');
  return `${lines.join('\n')}\n`;
}
