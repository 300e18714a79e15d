import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { requestId as newRequestId } from '../ids.js';
import { authenticate } from './auth/authenticate.js';
import { authError } from './auth/errors.js';
import type { AwsContext } from './context.js';
import { handleEc2 } from './ec2/service.js';
import { errorReply, throttled } from './errors-reply.js';
import { handleIam } from './iam/service.js';
import { handleOpsWorks, opsworksOperation } from './opsworks/service.js';
import { handleS3, s3Operation } from './s3/service.js';
import { AwsServiceError } from './service-error.js';
import { sha256Hex } from './sigv4/canonical.js';
import { decodeAwsChunked } from './sigv4/chunked.js';
import { parseSigV4, type SigV4Auth } from './sigv4/parse.js';
import { handleSsm, isAnonymousSsmOperation, ssmOperation } from './ssm/service.js';
import { handleSts } from './sts/service.js';
import {
  AWS_SERVICES,
  type AwsRequest,
  type AwsService,
  type HandledCall,
  type HttpReply,
  type Principal,
} from './types.js';

/**
 * One AWS request from raw bytes to reply: find the service (credential scope,
 * or the request's shape when unsigned), apply latency, authenticate, strip
 * aws-chunked framing, apply throttling, run the service handler, and record
 * the call. Every failure comes out in the service's own error format.
 */

const QUERY_VERSIONS: Record<string, AwsService> = {
  '2010-05-08': 'iam',
  '2011-06-15': 'sts',
  '2016-11-15': 'ec2',
};

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Query strings decoded the SigV4 way: `+` stays a plus sign. */
export function decodeQuery(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    out.set(safeDecode(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? '' : safeDecode(part.slice(eq + 1)));
  }
  return out;
}

function formParams(req: IncomingMessage, body: Buffer, query: Map<string, string>): Map<string, string> {
  const params = new Map<string, string>();
  for (const [k, v] of query) if (!k.startsWith('X-Amz-')) params.set(k, v);
  const type = String(req.headers['content-type'] ?? '');
  if (
    type.startsWith('application/x-www-form-urlencoded') ||
    (req.method === 'POST' && body.length > 0 && !type)
  ) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
  }
  return params;
}

function guessService(req: IncomingMessage, body: Buffer, query: Map<string, string>): AwsService {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('AmazonSSM.')) return 'ssm';
  if (target) return 'opsworks';
  const params = formParams(req, body, query);
  const version = params.get('Version');
  if (params.has('Action') && version && QUERY_VERSIONS[version]) return QUERY_VERSIONS[version];
  return 's3';
}

function operationOf(
  service: AwsService,
  req: IncomingMessage,
  path: string,
  query: Map<string, string>,
  params?: Map<string, string>,
): string {
  if (service === 'opsworks') return opsworksOperation(req);
  if (service === 'ssm') return ssmOperation(req);
  if (service === 's3') return s3Operation(req.method ?? 'GET', path, query);
  return params?.get('Action') ?? 'Unknown';
}

export interface DispatchResult {
  service: AwsService;
  operation: string;
  principal: Principal;
  reply: HttpReply;
  mutated: boolean;
  payloadSigning?: string;
}

export async function dispatch(
  ctx: AwsContext,
  req: IncomingMessage,
  rawPath: string,
  rawQuery: string,
  raw: Buffer,
): Promise<DispatchResult> {
  const requestId = newRequestId();
  const query = decodeQuery(rawQuery);
  const method = req.method ?? 'GET';
  const path = safeDecode(rawPath);
  let service: AwsService = 's3';
  let operation = 'Unknown';
  let principal: Principal = { kind: 'anonymous' };
  let payloadSigning: string | undefined;
  try {
    let auth: SigV4Auth | undefined;
    try {
      auth = parseSigV4(req.headers, query);
    } catch (error) {
      service = guessService(req, raw, query);
      throw error;
    }
    if (auth) {
      if (!(AWS_SERVICES as readonly string[]).includes(auth.service)) {
        throw new AwsServiceError(
          'UnrecognizedService',
          `The sandbox does not implement the service '${auth.service}'`,
          400,
        );
      }
      service = auth.service as AwsService;
    } else {
      service = guessService(req, raw, query);
    }
    const latency = ctx.faults.latencyMs(service);
    if (latency > 0) await sleep(latency);

    const declared =
      (typeof req.headers['x-amz-content-sha256'] === 'string'
        ? req.headers['x-amz-content-sha256']
        : undefined) ?? [...query].find(([k]) => k.toLowerCase() === 'x-amz-content-sha256')?.[1];
    if (declared && !/^[0-9a-f]{64}$/.test(declared)) payloadSigning = declared;
    let secret = '';
    if (auth) {
      const who = authenticate(
        ctx,
        service,
        auth,
        req,
        { path: rawPath, query: rawQuery, body: raw },
        declared,
      );
      principal = who.principal;
      secret = who.secret;
    } else if (service !== 's3' && !(service === 'ssm' && isAnonymousSsmOperation(req))) {
      // The SSM agent's RegisterManagedInstance goes unsigned (the activation code is its proof).
      throw authError(service, 'missing');
    }

    let body = raw;
    let trailers = new Map<string, string>();
    if (declared?.startsWith('STREAMING-')) {
      const signedChunks = declared.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD') && auth;
      ({ body, trailers } = decodeAwsChunked(raw, signedChunks && auth ? { auth, secret } : undefined));
      const decodedLength = req.headers['x-amz-decoded-content-length'];
      if (typeof decodedLength === 'string' && Number(decodedLength) !== body.length) {
        throw new AwsServiceError(
          'IncompleteBody',
          'The request body is shorter or longer than x-amz-decoded-content-length',
          400,
        );
      }
    } else if (auth && declared && /^[0-9a-f]{64}$/.test(declared) && declared !== sha256Hex(raw)) {
      throw new AwsServiceError(
        'XAmzContentSHA256Mismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
        400,
      );
    }

    const params =
      service === 's3' || service === 'opsworks' || service === 'ssm'
        ? undefined
        : formParams(req, body, query);
    operation = operationOf(service, req, path, query, params);
    if (ctx.faults.shouldThrottle(service, operation)) throw throttled(service);

    const request: AwsRequest = {
      service,
      method,
      path,
      query,
      headers: req.headers,
      body,
      principal,
      requestId,
      now: ctx.clock(),
    };
    const handled: HandledCall =
      service === 'opsworks'
        ? handleOpsWorks(ctx, request)
        : service === 'ssm'
          ? handleSsm(ctx, request)
          : service === 's3'
            ? handleS3(ctx, request, trailers)
            : service === 'iam'
              ? handleIam(ctx, request, params as Map<string, string>)
              : service === 'sts'
                ? handleSts(ctx, request, params as Map<string, string>)
                : handleEc2(ctx, request, params as Map<string, string>);
    return {
      service,
      operation: handled.operation,
      principal,
      reply: handled.reply,
      mutated: handled.mutated,
      payloadSigning,
    };
  } catch (error) {
    return {
      service,
      operation,
      principal,
      reply: errorReply(service, error, requestId, method),
      mutated: false,
      payloadSigning,
    };
  }
}
