import type nunjucks from 'nunjucks';
import { stringify as stringifyYaml } from 'yaml';
import type { Vars } from '../inventory/types.js';

/**
 * Ansible's common filters and tests, added to one nunjucks Environment (the
 * engine's own: nothing here touches nunjucks for the whole process).
 */
export function addAnsibleFilters(env: nunjucks.Environment): void {
  env.addFilter('bool', (value: unknown) => {
    if (typeof value === 'string') return ['yes', 'on', 'true', '1', 'y', 't'].includes(value.toLowerCase());
    return Boolean(value);
  });
  env.addFilter('to_json', (value: unknown) => JSON.stringify(value));
  env.addFilter('to_nice_json', (value: unknown) => JSON.stringify(value, null, 4));
  env.addFilter('from_json', (value: unknown) => JSON.parse(String(value)));
  env.addFilter('regex_replace', (value: unknown, pattern: string, replacement = '') =>
    String(value).replace(new RegExp(pattern, 'g'), replacement.replace(/\\(\d)/g, '$$$1')),
  );
  env.addFilter('regex_search', (value: unknown, pattern: string) => {
    const match = new RegExp(pattern).exec(String(value));
    return match ? match[0] : null;
  });
  env.addFilter('mandatory', (value: unknown) => {
    if (value === undefined) throw new Error('mandatory variable not defined');
    return value;
  });
  env.addFilter('quote', (value: unknown) => `'${String(value).replace(/'/g, `'"'"'`)}'`);
  env.addFilter('b64encode', (value: unknown) => Buffer.from(String(value)).toString('base64'));
  env.addFilter('b64decode', (value: unknown) => Buffer.from(String(value), 'base64').toString('utf8'));
  env.addFilter('basename', (value: unknown) => String(value).split('/').pop() ?? '');
  env.addFilter('string', (value: unknown) => String(value));
  env.addFilter('dirname', (value: unknown) => {
    const text = String(value);
    const i = text.lastIndexOf('/');
    return i < 0 ? '' : i === 0 ? '/' : text.slice(0, i);
  });
  env.addFilter('map', (value: unknown, ...args: unknown[]) => {
    const list = Array.isArray(value) ? value : [];
    const [first, ...rest] = args;
    // map(attribute='x') reaches nunjucks as a trailing kwargs object.
    if (first && typeof first === 'object' && 'attribute' in first) {
      const attribute = String((first as { attribute: unknown }).attribute);
      return list.map((item) => attribute.split('.').reduce<unknown>((v, k) => (v as Vars)?.[k], item));
    }
    const filter = env.getFilter(String(first));
    return list.map((item) => filter(item, ...rest));
  });
  env.addFilter('combine', (...dicts: unknown[]) => {
    const out: Vars = {};
    for (const d of dicts)
      if (d && typeof d === 'object' && !Array.isArray(d) && !('__keywords' in d)) Object.assign(out, d);
    return out;
  });
  env.addFilter('unique', (value: unknown) => [...new Set(Array.isArray(value) ? value : [])]);
  env.addFilter('min', (value: unknown) =>
    Array.isArray(value) && value.length ? value.reduce((a, b) => (b < a ? b : a)) : undefined,
  );
  env.addFilter('max', (value: unknown) =>
    Array.isArray(value) && value.length ? value.reduce((a, b) => (b > a ? b : a)) : undefined,
  );
  env.addFilter('flatten', (value: unknown) =>
    Array.isArray(value) ? value.flat(Number.POSITIVE_INFINITY) : value,
  );
  env.addFilter('difference', (a: unknown, b: unknown) =>
    Array.isArray(a) ? a.filter((x) => !(b as unknown[]).includes(x)) : [],
  );
  env.addFilter('intersect', (a: unknown, b: unknown) =>
    Array.isArray(a) ? [...new Set(a.filter((x) => (b as unknown[]).includes(x)))] : [],
  );
  env.addFilter('union', (a: unknown, b: unknown) => [
    ...new Set([...(a as unknown[]), ...(b as unknown[])]),
  ]);
  env.addFilter('dict2items', (value: unknown) =>
    Object.entries((value ?? {}) as Vars).map(([key, v]) => ({ key, value: v })),
  );
  env.addFilter('items2dict', (value: unknown) =>
    Object.fromEntries(((value ?? []) as { key: string; value: unknown }[]).map((i) => [i.key, i.value])),
  );
  env.addFilter('ternary', (value: unknown, yes: unknown, no: unknown) => (value ? yes : no));
  env.addFilter(
    'regex_findall',
    (value: unknown, pattern: string) => String(value).match(new RegExp(pattern, 'g')) ?? [],
  );
  env.addFilter('to_yaml', (value: unknown) => stringifyYaml(value).trimEnd());
  env.addFilter('to_nice_yaml', (value: unknown) => stringifyYaml(value, { indent: 4 }));

  // Ansible's tests on registered results (`result is failed`) and strings.
  // nunjucks has addTest; @types/nunjucks omits it.
  const addTest = (name: string, test: (...args: never[]) => boolean) =>
    (env as unknown as { addTest(n: string, t: unknown): void }).addTest(name, test);
  const resultFlag = (key: string) => (value: unknown) => Boolean((value as Vars | undefined)?.[key]);
  addTest('failed', resultFlag('failed'));
  addTest('failure', resultFlag('failed'));
  addTest('succeeded', (value: unknown) => !(value as Vars | undefined)?.failed);
  addTest('success', (value: unknown) => !(value as Vars | undefined)?.failed);
  addTest('changed', resultFlag('changed'));
  addTest('change', resultFlag('changed'));
  addTest('skipped', resultFlag('skipped'));
  addTest('skip', resultFlag('skipped'));
  // match anchors at the start, search anywhere, as Python's re.match / re.search.
  addTest('match', (value: unknown, pattern: string) => new RegExp(`^(?:${pattern})`).test(String(value)));
  addTest('search', (value: unknown, pattern: string) => new RegExp(pattern).test(String(value)));
  addTest('regex', (value: unknown, pattern: string) => new RegExp(pattern).test(String(value)));
  addTest('in', (value: unknown, container: unknown) =>
    typeof container === 'string'
      ? container.includes(String(value))
      : Array.isArray(container) && container.includes(value),
  );
  addTest(
    'contains',
    (container: unknown, value: unknown) => Array.isArray(container) && container.includes(value),
  );
  addTest('boolean', (value: unknown) => typeof value === 'boolean');
  addTest('none', (value: unknown) => value === null);
}
