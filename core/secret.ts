import { inspect } from 'node:util';

/**
 * A value that must never be printed: AWS secret keys, passwords, passphrases.
 * It prints as `********` through String(), JSON.stringify, util.inspect and
 * template literals; the value comes out only through `reveal()`, which the
 * code that actually needs it (a stdin write, an SDK credential) calls.
 */
export const MASK = '********';

const registry = new Set<string>();

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    // Remembered so that redact() can scrub it from any text that reaches output.
    if (value.length >= 4) registry.add(value);
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
  if (value.length >= 4) registry.add(value);
}

/**
 * Replaces every known secret value in `text` with the mask. Reporters call this
 * on everything they write: a last line of defence for secrets that reached a
 * command's output (an agent echoing its config, say).
 */
export function redact(text: string): string {
  if (registry.size === 0 || text.length === 0) return text;
  let out = text;
  for (const value of registry) {
    if (out.includes(value)) out = out.split(value).join(MASK);
  }
  return out;
}

/** Deep-redacts plain data (events, results) before serialisation. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (isSecret(value)) return MASK as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}

/** For tests: forget registered values. */
export function clearSecretRegistry(): void {
  registry.clear();
}
