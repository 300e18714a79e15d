import type { Instance } from '@aws-sdk/client-ec2';
import type { Vars } from '../../core/inventory/index.js';

/**
 * An instance as host vars, the way amazon.aws.aws_ec2 exposes it: every
 * attribute in snake_case (camel_dict_to_snake_dict), `tags` as a plain
 * mapping, dates as ISO strings, plus `placement.region`.
 */
export function snake(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function convert(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(convert);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[snake(k)] = convert(v);
    return out;
  }
  return value;
}

export function instanceVars(instance: Instance, region: string): Vars {
  const { Tags, ...rest } = instance;
  const vars = convert(rest) as Vars;
  const tags: Record<string, string> = {};
  for (const t of Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  vars.tags = tags;
  const placement = (vars.placement ?? {}) as Record<string, unknown>;
  vars.placement = { ...placement, region };
  return vars;
}
