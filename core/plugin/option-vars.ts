import type { Vars } from '../inventory/types.js';
import { render } from '../play/template.js';

/**
 * Readers for a plugin's options taken from a host's vars, shared by the
 * registration services so the same var is read the same way by each. A
 * refusal is an OptionVarError naming the var (`key`), so the caller can
 * prefix the file that set it (ctx.origin).
 */
export class OptionVarError extends Error {
  constructor(
    readonly key: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Ansible's own vars (ansible_host and friends), read as Ansible does: templated, trimmed, any scalar. */
export function looseVar(vars: Vars, key: string, host: string): string | undefined {
  const value = vars[key];
  if (value === undefined || value === null || value === '') return undefined;
  const rendered = typeof value === 'string' ? render(value, { ...vars, inventory_hostname: host }) : value;
  if (rendered === undefined || rendered === null || rendered === '') return undefined;
  return String(rendered).trim() || undefined;
}

/** A boolean as YAML 1.1 and Ansible write them (`yes`, `on`, `1` too); anything else is refused. */
export function boolVar(vars: Vars, key: string, fallback: boolean): boolean {
  const value = vars[key];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(text)) return true;
  if (['false', 'no', 'off', '0'].includes(text)) return false;
  throw new OptionVarError(key, `${key} must be true or false (got "${String(value)}")`);
}
