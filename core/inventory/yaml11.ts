import type { Tags } from 'yaml';

/**
 * Scalar resolution exactly as PyYAML's SafeLoader (which Ansible's loader
 * extends) does it. The `yaml` package's own YAML 1.1 schema is close but not
 * equal: it reads `y`/`n` as booleans and `1e3` as a number, PyYAML keeps both
 * as strings, and it needs `+`/`-` on float exponents. Each regex below is
 * PyYAML's resolver regex (checked against ansible-inventory 2.14).
 */

type ScalarTagDef = {
  tag: string;
  default: true;
  test: RegExp;
  resolve(value: string): unknown;
};

const scalar = (tag: string, test: RegExp, resolve: (v: string) => unknown): ScalarTagDef => ({
  tag: `tag:yaml.org,2002:${tag}`,
  default: true,
  test,
  resolve,
});

/** Base-60 numbers (`1:30` is 90), as YAML 1.1 defines them. */
function sexagesimal(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const parts = text.replace(/^[-+]/, '').replace(/_/g, '').split(':');
  let value = 0;
  for (const part of parts) value = value * 60 + Number(part);
  return sign * value;
}

function signed(text: string, base: number, prefixLen: number): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[-+]/, '').slice(prefixLen).replace(/_/g, '');
  if (body === '') return 0;
  return sign * Number.parseInt(body, base);
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * A timestamp as ansible-inventory prints it: Python's date/datetime
 * isoformat(). Kept as a string because that is what reaches the user.
 */
function timestamp(text: string): string {
  const m =
    /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)?$/.exec(
      text,
    );
  if (!m) return text;
  const date = `${m[1]}-${two(Number(m[2]))}-${two(Number(m[3]))}`;
  if (m[4] === undefined) return date;
  let out = `${date}T${two(Number(m[4]))}:${m[5]}:${m[6]}`;
  const fraction = (m[7] ?? '').slice(0, 6).padEnd(6, '0');
  if (Number(fraction) !== 0) out += `.${fraction}`;
  if (m[8] === 'Z') out += '+00:00';
  else if (m[8]) out += `${m[9]}${two(Number(m[10]))}:${m[11] ?? '00'}`;
  return out;
}

const PYYAML_SCALARS: ScalarTagDef[] = [
  scalar('null', /^(?:~|null|Null|NULL)?$/, () => null),
  scalar('bool', /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/, () => true),
  scalar('bool', /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/, () => false),
  scalar('int', /^[-+]?0b[0-1_]+$/, (v) => signed(v, 2, 2)),
  scalar('int', /^[-+]?0x[0-9a-fA-F_]+$/, (v) => signed(v, 16, 2)),
  scalar('int', /^[-+]?0[0-7_]+$/, (v) => signed(v, 8, 1)),
  scalar('int', /^[-+]?(?:0|[1-9][0-9_]*)$/, (v) => signed(v, 10, 0)),
  scalar('int', /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/, sexagesimal),
  scalar('float', /^[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?$/, (v) => Number(v.replace(/_/g, ''))),
  scalar('float', /^\.[0-9_]+(?:[eE][-+][0-9]+)?$/, (v) => Number(v.replace(/_/g, ''))),
  scalar('float', /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/, sexagesimal),
  scalar('float', /^[-+]?\.(?:inf|Inf|INF)$/, (v) => (v.startsWith('-') ? -1 : 1) * Number.POSITIVE_INFINITY),
  scalar('float', /^\.(?:nan|NaN|NAN)$/, () => Number.NaN),
  scalar(
    'timestamp',
    /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
    timestamp,
  ),
];

/** Ansible's own tags: `!unsafe` marks a string Jinja must not template; we keep the string. */
const ANSIBLE_TAGS = [
  { tag: '!unsafe', resolve: (value: string) => value },
  {
    tag: '!vault',
    resolve: (_value: string, onError: (message: string) => void) => {
      onError('vault-encrypted values (!vault) are not supported in inventories yet');
      return null;
    },
  },
];

const REPLACED = new Set(['null', 'bool', 'int', 'float', 'timestamp'].map((t) => `tag:yaml.org,2002:${t}`));

/** customTags for the `yaml` package: its 1.1 schema with PyYAML's scalar rules swapped in. */
export function pyyamlTags(tags: Tags): Tags {
  const kept = tags.filter((t) => !(typeof t === 'object' && REPLACED.has(t.tag) && 'test' in t && t.test));
  return [...kept, ...PYYAML_SCALARS, ...ANSIBLE_TAGS] as Tags;
}
