import { validationError } from './errors.js';

/** Reading and validating IAM query parameters. */
export type Params = Map<string, string>;

const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(\/|\/[\u0021-\u007E]+\/)$/;

export function required(params: Params, name: string): string {
  const v = params.get(name);
  if (v === undefined || v === '') {
    throw validationError(
      `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

export function entityName(params: Params, name: string, max: number): string {
  const v = required(params, name);
  if (v.length > max || !NAME.test(v)) {
    throw validationError(
      `1 validation error detected: Value '${v}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length at most ${max}`,
    );
  }
  return v;
}

export function entityPath(params: Params): string {
  const v = params.get('Path') ?? '/';
  if (v.length > 512 || !PATH.test(v)) {
    throw validationError(
      `1 validation error detected: Value '${v}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)`,
    );
  }
  return v;
}

/** Marker/MaxItems pagination over a list, as every IAM List* call does it. */
export function paginate<T>(params: Params, all: T[]): { page: T[]; truncated: boolean; marker?: string } {
  const max = Math.min(Math.max(Number(params.get('MaxItems') ?? '100') || 100, 1), 1000);
  const start = Number(params.get('Marker') ?? '0') || 0;
  const page = all.slice(start, start + max);
  const next = start + page.length;
  return next < all.length ? { page, truncated: true, marker: String(next) } : { page, truncated: false };
}

/** IAM names are unique ignoring case, and found ignoring case. */
export function findByName<T>(records: Record<string, T>, name: string): T | undefined {
  if (records[name]) return records[name];
  const lower = name.toLowerCase();
  const key = Object.keys(records).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : records[key];
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
