import type { IncomingMessage } from 'node:http';
import type { AwsContext } from '../context.js';
import { sha256Hex } from '../sigv4/canonical.js';
import { fromAmzDate, type SigV4Auth } from '../sigv4/parse.js';
import { signatureMatches } from '../sigv4/verify.js';
import type { AwsService, Principal } from '../types.js';
import { authError } from './errors.js';
import { findKey } from './principals.js';

/**
 * Checks a signed request: known key, matching session token, scope region,
 * date within 15 minutes (or presigned URL not expired), and the signature
 * recomputed over the raw request. Dates are checked against the real clock,
 * since clients sign with it; the injectable sandbox clock governs policies.
 */
const MAX_SKEW_MS = 15 * 60 * 1000;

export interface Authenticated {
  principal: Principal;
  secret: string;
}

export function authenticate(
  ctx: AwsContext,
  service: AwsService,
  auth: SigV4Auth,
  req: IncomingMessage,
  raw: { path: string; query: string; body: Buffer },
  declaredPayloadHash: string | undefined,
): Authenticated {
  const owner = findKey(ctx, auth.accessKeyId);
  if (!owner) throw authError(service, 'unknown-key');
  if ((owner.sessionToken ?? undefined) !== (auth.securityToken ?? undefined))
    throw authError(service, 'unknown-key');
  const regions = service === 'iam' || service === 'sts' ? [ctx.region, 'us-east-1'] : [ctx.region];
  if (!regions.includes(auth.region)) {
    throw authError(
      service,
      'wrong-region',
      `Credential should be scoped to a valid region. The authorization header is malformed; the region '${auth.region}' is wrong; expecting '${ctx.region}'`,
    );
  }
  const signedAt = fromAmzDate(auth.amzDate);
  const now = Date.now();
  if (Number.isNaN(signedAt))
    throw authError(service, 'bad-signature', `Invalid X-Amz-Date: ${auth.amzDate}`);
  if (auth.presigned) {
    if (now > signedAt + (auth.expires ?? 0) * 1000)
      throw authError(service, 'expired', 'Request has expired');
  } else if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    throw authError(
      service,
      'expired',
      `Signature expired: ${auth.amzDate} is now earlier or later than the server time by more than 15 minutes.`,
    );
  }
  const payloadHash =
    declaredPayloadHash ?? (auth.presigned && service === 's3' ? 'UNSIGNED-PAYLOAD' : sha256Hex(raw.body));
  const ok = signatureMatches(auth, owner.secret, {
    method: req.method ?? 'GET',
    rawPath: raw.path,
    rawQuery: raw.query,
    rawHeaders: req.rawHeaders,
    signedHeaders: auth.signedHeaders,
    payloadHash,
    doubleEncodePath: service !== 's3',
  });
  if (!ok) throw authError(service, 'bad-signature');
  return { principal: owner.principal, secret: owner.secret };
}
