import type { IncomingHttpHeaders } from 'node:http';
import { AwsServiceError } from '../service-error.js';

/** The pieces of a SigV4 signature, from the Authorization header or a presigned URL. */
export interface SigV4Auth {
  accessKeyId: string;
  /** `yyyymmdd` from the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** `yyyymmddThhmmssZ` from X-Amz-Date (header, query or Date header). */
  amzDate: string;
  securityToken?: string;
  presigned: boolean;
  /** Seconds a presigned URL stays valid. */
  expires?: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function malformed(message: string): AwsServiceError {
  return new AwsServiceError('IncompleteSignature', message, 400);
}

function splitCredential(
  credential: string,
): Pick<SigV4Auth, 'accessKeyId' | 'scopeDate' | 'region' | 'service'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    throw malformed(`Credential should be scoped correctly: ${parts.slice(1).join('/')}`);
  }
  return { accessKeyId: parts[0], scopeDate: parts[1], region: parts[2], service: parts[3] };
}

/**
 * Reads the signature from the request, or returns undefined for an unsigned
 * request. `query` holds the decoded query parameters.
 */
export function parseSigV4(headers: IncomingHttpHeaders, query: Map<string, string>): SigV4Auth | undefined {
  const authorization = header(headers, 'authorization');
  if (authorization !== undefined) {
    if (!authorization.startsWith(`${ALGORITHM} `)) {
      throw new AwsServiceError(
        'IncompleteSignature',
        `Unsupported authorization type: only ${ALGORITHM} is accepted`,
        400,
      );
    }
    const fields = new Map<string, string>();
    for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const credential = fields.get('Credential');
    const signedHeaders = fields.get('SignedHeaders');
    const signature = fields.get('Signature');
    if (!credential || !signedHeaders || !signature) {
      throw malformed(
        "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters",
      );
    }
    const amzDate = header(headers, 'x-amz-date') ?? dateHeaderToAmz(header(headers, 'date'));
    if (!amzDate)
      throw malformed("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header");
    return {
      ...splitCredential(credential),
      signedHeaders: signedHeaders.split(';'),
      signature,
      amzDate,
      securityToken: header(headers, 'x-amz-security-token'),
      presigned: false,
    };
  }
  const algorithm = query.get('X-Amz-Algorithm');
  if (algorithm === undefined) return undefined;
  if (algorithm !== ALGORITHM) throw malformed(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const credential = query.get('X-Amz-Credential');
  const signedHeaders = query.get('X-Amz-SignedHeaders');
  const signature = query.get('X-Amz-Signature');
  const amzDate = query.get('X-Amz-Date');
  if (!credential || !signedHeaders || !signature || !amzDate) {
    throw malformed(
      'Query-string authentication requires the X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Signature parameters',
    );
  }
  const expires = query.get('X-Amz-Expires');
  return {
    ...splitCredential(credential),
    signedHeaders: signedHeaders.split(';'),
    signature,
    amzDate,
    securityToken: query.get('X-Amz-Security-Token'),
    presigned: true,
    expires: expires === undefined ? undefined : Number(expires),
  };
}

/** `Tue, 27 Mar 2007 19:36:42 GMT` -> `20070327T193642Z`. */
function dateHeaderToAmz(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : toAmzDate(ms);
}

export function toAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function fromAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}
