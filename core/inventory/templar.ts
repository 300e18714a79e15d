import { renderDeep } from '../template/index.js';
import type { Vars } from './types.js';

/**
 * `{{ ... }}` in inventory values, through the same Jinja2-compatible engine
 * and filters as plays (core/template): `{{ name | lower }}`,
 * `replace`, `default`, lookups, native values for a single expression.
 */
export function resolveTemplates(value: unknown, vars: Vars): unknown {
  return renderDeep(value, vars);
}
