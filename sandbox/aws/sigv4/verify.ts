import { timingSafeEqual } from 'node:crypto';
import { type CanonicalInput, canonicalRequest, hmac, scope, signingKey, stringToSign } from './canonical.js';
import type { SigV4Auth } from './parse.js';

/** Recomputes the signature with the key's secret and compares in constant time. */
export function signatureMatches(auth: SigV4Auth, secret: string, request: CanonicalInput): boolean {
  const canonical = canonicalRequest(request);
  const toSign = stringToSign(auth.amzDate, scope(auth.scopeDate, auth.region, auth.service), canonical);
  const expected = hmac(signingKey(secret, auth.scopeDate, auth.region, auth.service), toSign).toString(
    'hex',
  );
  const given = Buffer.from(auth.signature, 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
