import type { Vars } from '../inventory/types.js';
import { TemplateEngine, truthy } from './engine.js';

/**
 * The templating every part of runner uses (plays, task args, inventories'
 * templated vars and `compose`): one engine, whose only state is its memo of
 * parsed and compiled templates (pure results, bounded).
 */
const engine = new TemplateEngine();

export { isTemplated, TemplateEngine, truthy } from './engine.js';
export { pythonRepr } from './python-repr.js';

export function render(text: string, vars: Vars): unknown {
  return engine.render(text, vars);
}

export function renderText(text: string, vars: Vars, label: string): string {
  return engine.renderText(text, vars, label);
}

export function renderDeep<T>(value: T, vars: Vars): T {
  return engine.renderDeep(value, vars);
}

export function evaluate(expression: string | boolean, vars: Vars): unknown {
  return engine.evaluate(expression, vars);
}

/** Jinja truthiness of a condition or list of conditions (all must hold). */
export function conditionHolds(condition: string | string[] | boolean, vars: Vars): boolean {
  const list = Array.isArray(condition) ? condition : [condition];
  return list.every((c) => truthy(engine.evaluate(c, vars)));
}
