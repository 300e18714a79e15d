/**
 * Python's repr, which is what Jinja prints for a value inside text: True,
 * False, None, ['a', 1], {'k': 'v'}. nunjucks would print true, false,
 * "a,1" and [object Object]; a rendered config file must read the same as
 * under Ansible.
 */
export function pythonRepr(value: unknown, nested = false): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') {
    if (!nested) return value;
    return value.includes("'") && !value.includes('"')
      ? `"${value}"`
      : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => pythonRepr(v, true)).join(', ')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const items = Object.entries(value).map(([k, v]) => `${pythonRepr(k, true)}: ${pythonRepr(v, true)}`);
    return `{${items.join(', ')}}`;
  }
  return String(value);
}
