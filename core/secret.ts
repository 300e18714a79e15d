import { inspect } from 'node:util';

/**
 * A value that must never be printed: AWS secret keys, passwords, passphrases.
 * It prints as `********` through String(), JSON.stringify, util.inspect and
 * template literals; the value comes out only through `reveal()`, which the
 * code that actually needs it (a stdin write, an SDK credential) calls.
 */
export const MASK = '********';

/** Shorter values are not remembered: masking every "abc" in every line would hide more than it protects. */
const MIN_LENGTH = 4;
/** Up to this many values, a scan per value is cheapest; past it, the prefix index. */
const FEW = 16;

/** A number for the 3 characters at `i` (3 x 16 bits: exact in a double). */
function prefixAt(text: string, i: number): number {
  return text.charCodeAt(i) * 2 ** 32 + text.charCodeAt(i + 1) * 2 ** 16 + text.charCodeAt(i + 2);
}

/**
 * The secret values a process knows, found in a text in one pass. A fleet
 * run learns one or more per host (each host's IAM key, activation code), and
 * every event is redacted: a scan per value made each event cost O(hosts),
 * the run O(hosts^2). Values are indexed by their first 3 characters, so a
 * text costs one lookup per character and a comparison only where a value
 * could start, however many values there are.
 */
export class SecretSet {
  readonly #values = new Set<string>();
  /** By prefix, longest first: the longest value starting at a place is the one masked. */
  readonly #byPrefix = new Map<number, string[]>();
  /** Values compared against the text at some place (tests read it: it must not grow with the set). */
  comparisons = 0;

  get size(): number {
    return this.#values.size;
  }

  add(value: string): void {
    if (value.length < MIN_LENGTH || this.#values.has(value)) return;
    this.#values.add(value);
    const key = prefixAt(value, 0);
    const list = this.#byPrefix.get(key) ?? [];
    list.push(value);
    list.sort((a, b) => b.length - a.length);
    this.#byPrefix.set(key, list);
  }

  clear(): void {
    this.#values.clear();
    this.#byPrefix.clear();
  }

  redact(text: string): string {
    if (this.#values.size === 0 || text.length < MIN_LENGTH) return text;
    if (this.#values.size <= FEW) return this.#scanEach(text);
    const parts: string[] = [];
    let from = 0;
    let i = 0;
    while (i + MIN_LENGTH <= text.length) {
      let hit: string | undefined;
      for (const value of this.#byPrefix.get(prefixAt(text, i)) ?? []) {
        this.comparisons++;
        if (text.startsWith(value, i)) {
          hit = value;
          break;
        }
      }
      if (hit === undefined) {
        i++;
        continue;
      }
      parts.push(text.slice(from, i), MASK);
      i += hit.length;
      from = i;
    }
    if (parts.length === 0) return text;
    parts.push(text.slice(from));
    return parts.join('');
  }

  #scanEach(text: string): string {
    let out = text;
    for (const value of this.#values) {
      this.comparisons++;
      if (out.includes(value)) out = out.split(value).join(MASK);
    }
    return out;
  }
}

const registry = new SecretSet();

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    // Remembered so that redact() can scrub it from any text that reaches output.
    registry.add(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return `Secret(${MASK})`;
  }
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}

export function secret(value: string | Secret): Secret {
  return isSecret(value) ? value : new Secret(value);
}

/** Marks a value as secret for redaction without wrapping it (e.g. a value read from a var). */
export function registerSecretValue(value: string): void {
  registry.add(value);
}

/**
 * Replaces every known secret value in `text` with the mask. Reporters call this
 * on everything they write: a last line of defence for secrets that reached a
 * command's output (an agent echoing its config, say).
 */
export function redact(text: string): string {
  return registry.redact(text);
}

/**
 * Deep-redacts plain data (events, results) before serialisation, into a copy.
 * Every event of a run passes here: keys are walked with Object.keys, not
 * Object.entries, which built a pair per key (6x the time in a 3,000-event
 * micro-benchmark, and garbage).
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (isSecret(value)) return MASK as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = redactDeep((value as Record<string, unknown>)[key]);
  return out as T;
}

/** For tests: forget registered values. */
export function clearSecretRegistry(): void {
  registry.clear();
}
