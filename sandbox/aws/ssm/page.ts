import { ssmError } from './validate.js';

/**
 * Pagination: the NextToken is opaque to callers; here it names the operation
 * and the offset, so a token from one listing is refused by another, as AWS's
 * InvalidNextToken does.
 */
export function page<T>(
  items: T[],
  operation: string,
  maxResults: number,
  token: string | undefined,
): { items: T[]; NextToken?: string } {
  let offset = 0;
  if (token !== undefined) {
    const decoded = decode(token);
    if (!decoded || decoded.op !== operation || decoded.offset > items.length) {
      throw ssmError('InvalidNextToken', "The specified token isn't valid.");
    }
    offset = decoded.offset;
  }
  const end = offset + maxResults;
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? { NextToken: encode(operation, end) } : {}),
  };
}

function encode(op: string, offset: number): string {
  return Buffer.from(JSON.stringify({ op, offset })).toString('base64url');
}

function decode(token: string): { op: string; offset: number } | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      op?: unknown;
      offset?: unknown;
    };
    if (
      typeof v.op !== 'string' ||
      typeof v.offset !== 'number' ||
      !Number.isInteger(v.offset) ||
      v.offset < 0
    )
      return undefined;
    return { op: v.op, offset: v.offset };
  } catch {
    return undefined;
  }
}
