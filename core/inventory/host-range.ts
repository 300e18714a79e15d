import { RunnerError } from '../errors.js';

/**
 * Host keys as Ansible reads them (parsing/utils/addresses.py and
 * plugins/inventory/__init__.py): an optional `:port`, then `[a:b(:step)]`
 * ranges expanded, leading zeros kept, letters allowed. The regexes are ports
 * of Ansible's, so what Ansible treats as "not an address" (and keeps whole,
 * port included) we keep whole too.
 */

const numericRange = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const hexRange = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const alnumRange = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const ipv6c = `(?:[0-9a-f]{1,4}|${hexRange})`;
const ipv4c = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${numericRange})`;
// Python's \w under re.UNICODE: letters, digits (and other numerics), underscore.
// Its ASCII part is [a-z0-9_]: V8 takes tens of ms (and much garbage) to
// compile the Unicode classes under /iu, so that regex is built only for a
// name that is not ASCII, and every run that parses `localhost` skips it.
const label = (w: string) => `(?:${w}|${alnumRange})(?:${w}|[_-]|${alnumRange})*(?<![_-])`;
const hostname = (w: string) => `^${label(w)}(?:\\.${label(w)})*$`;

const bracketedHostPort = /^\[(.+)\]:([0-9]+)$/;
const hostPort = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
export const IPV4 = new RegExp(`^(?:${ipv4c}\\.){3}${ipv4c}$`, 'i');
export const IPV6 = new RegExp(
  '^(?:' +
    [
      `(?:${ipv6c}:){7}${ipv6c}`,
      `(?:${ipv6c}:){1,6}:`,
      `(?:${ipv6c}:)(?::${ipv6c}){1,6}`,
      `(?:${ipv6c}:){2}(?::${ipv6c}){1,5}`,
      `(?:${ipv6c}:){3}(?::${ipv6c}){1,4}`,
      `(?:${ipv6c}:){4}(?::${ipv6c}){1,3}`,
      `(?:${ipv6c}:){5}(?::${ipv6c}){1,2}`,
      `(?:${ipv6c}:){6}(?::${ipv6c})`,
      `:(?::${ipv6c}){1,6}`,
      `${ipv6c}?::`,
      `(?:0:){6}(?:${ipv6c}\\.){3}${ipv6c}`,
      `::(?:ffff:)?(?:${ipv6c}\\.){3}${ipv6c}`,
      `(?:0:){5}ffff:(?:${ipv6c}\\.){3}${ipv6c}`,
    ].join('|') +
    ')$',
  'i',
);
const ASCII_HOSTNAME = new RegExp(hostname('[a-z0-9_]'), 'i');
const NON_ASCII = /[^\x00-\x7f]/;
let unicodeHostname: RegExp | undefined;

function isHostname(text: string): boolean {
  if (!NON_ASCII.test(text)) return ASCII_HOSTNAME.test(text);
  // A cache of a compiled constant, not state: every caller gets the same answer.
  unicodeHostname ??= new RegExp(hostname(String.raw`[\p{L}\p{N}\p{Mn}\p{Pc}]`), 'iu');
  return unicodeHostname.test(text);
}

/** parse_address(allow_ranges=True): `{ host, port }`, or undefined when it is not an address. */
export function parseAddress(address: string): { host: string; port?: number } | undefined {
  let rest = address;
  let port: number | undefined;
  for (const re of [bracketedHostPort, hostPort]) {
    const m = re.exec(rest);
    if (m) {
      rest = m[1];
      port = Number(m[2]);
    }
  }
  // Every IPv6 form has a colon: a plain name never pays for compiling that regex (~10 ms at start-up).
  const ipv6 = rest.includes(':') && IPV6.test(rest);
  if (IPV4.test(rest) || ipv6 || isHostname(rest)) return { host: rest, port };
  return undefined;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function rangeError(pattern: string, why: string): RunnerError {
  return new RunnerError('INVENTORY_INVALID', `invalid host range in "${pattern}": ${why}`);
}

/** Python's int() on a range bound. */
function pyInt(text: string, pattern: string): number {
  if (!/^\s*[-+]?\d+(?:_\d+)*\s*$/.test(text))
    throw rangeError(pattern, `"${text}" is not a number or a letter`);
  return Number(text.replace(/_/g, ''));
}

interface FirstRange {
  head: string;
  tail: string;
  /** How many names the range gives. */
  size: number;
  /** The names' middle parts, in order. */
  items(): string[];
}

/** The first `[...]` of a line, as Ansible's expand_hostname_range reads it, without expanding it. */
function firstRange(line: string): FirstRange {
  // Python replaces the first '[' and the first ']' with '|' and splits: anything but three parts fails.
  const marked = line.replace('[', '|').replace(']', '|');
  const parts = marked.split('|');
  if (parts.length !== 3) throw rangeError(line, 'expected one [begin:end] or [begin:end:step] range');
  const [head, nrange, tail] = parts;
  const bounds = nrange.split(':');
  if (bounds.length !== 2 && bounds.length !== 3)
    throw rangeError(line, 'a range must be begin:end or begin:end:step');
  let beg = bounds[0];
  const end = bounds[1];
  const stepText = bounds.length === 3 ? bounds[2] : '1';
  if (!beg) beg = '0';
  if (!end) throw rangeError(line, 'a range must have an end value');
  let fill = (x: string | number): string => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length)
      throw rangeError(line, 'begin and end must have the same width when zero-padded');
    const width = beg.length;
    fill = (x) => String(x).padStart(width, '0');
  }
  const ib = LETTERS.indexOf(beg);
  const ie = LETTERS.indexOf(end);
  const step = pyInt(stepText, line);
  if (ib >= 0 && ie >= 0 && step !== 0) {
    if (ib > ie) throw rangeError(line, 'begin must not be after end');
    const size = step > 0 ? Math.floor((ie - ib) / step) + 1 : 0;
    return { head, tail, size, items: () => Array.from({ length: size }, (_, k) => LETTERS[ib + k * step]!) };
  }
  const b = pyInt(beg, line);
  const e = pyInt(end, line) + 1;
  if (step === 0) throw rangeError(line, 'the step must not be zero');
  const size = Math.max(0, Math.ceil((e - b) / step));
  return { head, tail, size, items: () => Array.from({ length: size }, (_, k) => fill(b + k * step)) };
}

/** How many names a line's ranges give, all of them multiplied, without producing any. */
export function countHostRange(line: string): number {
  const range = firstRange(line);
  return range.size === 0 ? 0 : range.size * (range.tail.includes('[') ? countHostRange(range.tail) : 1);
}

/** expand_hostname_range: the first `[...]` is expanded, then the rest recursively. */
export function expandHostRange(line: string): string[] {
  const { head, tail, items } = firstRange(line);
  const out: string[] = [];
  for (const item of items()) {
    const name = head + item + tail;
    if (name.includes('[')) {
      for (const expanded of expandHostRange(name)) out.push(expanded);
    } else out.push(name);
  }
  return out;
}

/** At most this many hosts from ranges in one inventory source, all ranges together. */
export const MAX_RANGE_HOSTS = 1_000_000;

/**
 * The hosts one source may still produce from ranges. Counted before a range
 * is expanded, so `web[0:9999999]` or `[0:3000][0:3000]` is refused before
 * any memory is taken (Ansible would try and run out).
 */
export class RangeBudget {
  #left: number;
  readonly #limit: number;

  constructor(limit = MAX_RANGE_HOSTS) {
    this.#left = limit;
    this.#limit = limit;
  }

  take(pattern: string, count: number): void {
    if (count > this.#left) {
      throw rangeError(
        pattern,
        `ranges in this source would give more than ${this.#limit.toLocaleString('en-US')} hosts (this one alone gives ${count.toLocaleString('en-US')})`,
      );
    }
    this.#left -= count;
  }
}

/** _expand_hostpattern: host names and the port that applies to all of them. */
export function expandHostPattern(
  pattern: string,
  budget: RangeBudget = new RangeBudget(),
): { hosts: string[]; port?: number } {
  const parsed = parseAddress(pattern);
  const base = parsed ? parsed.host : pattern;
  const port = parsed?.port;
  if (!base.includes('[')) return { hosts: [base], port };
  budget.take(pattern, countHostRange(base));
  return { hosts: expandHostRange(base), port };
}
