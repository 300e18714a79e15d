import { AwsServiceError } from '../service-error.js';

/**
 * Input checks for the SSM JSON API, worded as AWS's request validation words
 * them: every constraint broken is collected, then one ValidationException
 * says "N validation error(s) detected: Value 'x' at 'member' failed to
 * satisfy constraint: ...". A member of the wrong JSON type is a
 * SerializationException, as the service's deserializer reports it.
 */
export type Input = Record<string, unknown>;

export class Checks {
  readonly #errors: string[] = [];

  fail(value: unknown, path: string, constraint: string): void {
    const shown = value === undefined || value === null ? 'null' : `'${show(value)}'`;
    this.#errors.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  /** Throws the ValidationException when any check failed. */
  done(): void {
    const n = this.#errors.length;
    if (n === 0) return;
    throw new AwsServiceError(
      'ValidationException',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.#errors.join('; ')}`,
      400,
    );
  }

  string(
    input: Input,
    name: string,
    path: string,
    rules: {
      required?: boolean;
      min?: number;
      max?: number;
      pattern?: RegExp;
      values?: readonly string[];
    } = {},
  ): string | undefined {
    const v = input[name];
    if (v === undefined || v === null) {
      if (rules.required) this.fail(undefined, path, 'Member must not be null');
      return undefined;
    }
    if (typeof v !== 'string') throw serialization(name, 'a string');
    if (rules.min !== undefined && v.length < rules.min)
      this.fail(v, path, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && v.length > rules.max)
      this.fail(v, path, `Member must have length less than or equal to ${rules.max}`);
    if (rules.pattern && !rules.pattern.test(v))
      this.fail(v, path, `Member must satisfy regular expression pattern: ${rules.pattern.source}`);
    if (rules.values && !rules.values.includes(v))
      this.fail(v, path, `Member must satisfy enum value set: [${rules.values.join(', ')}]`);
    return v;
  }

  integer(input: Input, name: string, path: string, rules: { min: number; max: number }): number | undefined {
    const v = input[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw serialization(name, 'an integer');
    if (v < rules.min) this.fail(v, path, `Member must have value greater than or equal to ${rules.min}`);
    if (v > rules.max) this.fail(v, path, `Member must have value less than or equal to ${rules.max}`);
    return v;
  }

  list(
    input: Input,
    name: string,
    path: string,
    rules: { required?: boolean; min?: number; max?: number } = {},
  ): unknown[] | undefined {
    const v = input[name];
    if (v === undefined || v === null) {
      if (rules.required) this.fail(undefined, path, 'Member must not be null');
      return undefined;
    }
    if (!Array.isArray(v)) throw serialization(name, 'a list');
    if (rules.min !== undefined && v.length < rules.min)
      this.fail(v, path, `Member must have length greater than or equal to ${rules.min}`);
    if (rules.max !== undefined && v.length > rules.max)
      this.fail(v, path, `Member must have length less than or equal to ${rules.max}`);
    return v;
  }
}

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function serialization(name: string, expected: string): AwsServiceError {
  return new AwsServiceError('SerializationException', `${name} must be ${expected}`, 400);
}

/** Structures inside lists (tags, filters) must be JSON objects. */
export function asObject(value: unknown, name: string): Input {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw serialization(name, 'an object');
  return value as Input;
}

export function ssmError(code: string, message: string): AwsServiceError {
  return new AwsServiceError(code, message, 400);
}

/** Tag keys and values: letters, spaces, digits and `_ . : / = + - @`. */
export const TAG_PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;
export const ACTIVATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MANAGED_INSTANCE_ID = /(^mi-[0-9a-f]{17}$)|(^eks_c:[0-9A-Za-z][A-Za-z0-9\-_]{0,99}_\w{17}$)/;
