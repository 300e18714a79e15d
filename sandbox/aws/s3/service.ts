import { authorize } from '../auth/authorize.js';
import type { AwsContext } from '../context.js';
import { AwsServiceError } from '../service-error.js';
import type { AwsRequest, HandledCall, HttpReply } from '../types.js';
import { bucketLocation, createBucket, headBucket, listBuckets, listObjectsV2 } from './buckets.js';
import { deleteObject, putObject, readObject } from './objects.js';

/** S3 over REST, path-style only: `/<bucket>/<key>`. */

export function s3Operation(method: string, path: string, query: Map<string, string>): string {
  const [bucket, key] = splitPath(path);
  if (!bucket) return method === 'GET' ? 'ListBuckets' : 'Unknown';
  if (key === undefined) {
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'GET') return query.has('location') ? 'GetBucketLocation' : 'ListObjectsV2';
    return 'Unknown';
  }
  return (
    { PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' }[method] ?? 'Unknown'
  );
}

/** `/bucket/a/b.txt` -> ['bucket', 'a/b.txt']; `/bucket` or `/bucket/` -> ['bucket', undefined]. */
function splitPath(path: string): [string, string | undefined] {
  const rest = path.replace(/^\//, '');
  const slash = rest.indexOf('/');
  if (slash < 0) return [rest, undefined];
  const key = rest.slice(slash + 1);
  return [rest.slice(0, slash), key === '' ? undefined : key];
}

const PUBLIC_READS = new Set(['GetObject', 'HeadObject']);

export function handleS3(ctx: AwsContext, req: AwsRequest, trailers: Map<string, string>): HandledCall {
  const operation = s3Operation(req.method, req.path, req.query);
  const [bucket, key] = splitPath(req.path);
  if (operation === 'Unknown') {
    throw new AwsServiceError(
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
      405,
    );
  }
  // The agent installer and SSM agent buckets are public-read, like AWS's: hosts fetch them with plain curl.
  const publicRead =
    (bucket === ctx.installerBucket || bucket === ctx.ssmAgentBucket) && PUBLIC_READS.has(operation);
  if (!publicRead) {
    if (req.principal.kind === 'anonymous') throw new AwsServiceError('AccessDenied', 'Access Denied', 403);
    const resource = bucket ? `arn:aws:s3:::${bucket}${key === undefined ? '' : `/${key}`}` : '*';
    const action =
      operation === 'HeadObject'
        ? 's3:GetObject'
        : operation === 'HeadBucket'
          ? 's3:ListBucket'
          : `s3:${operation}`;
    authorize(ctx, 's3', req.principal, action, resource);
  }
  // A fault knob: the installer fetch fails (push mode's GetObject and a host's curl alike).
  if (
    operation === 'GetObject' &&
    bucket === ctx.installerBucket &&
    key === ctx.installerKey &&
    ctx.faults.installerFetchFails()
  ) {
    throw new AwsServiceError('InternalError', 'We encountered an internal error. Please try again.', 500);
  }
  let reply: HttpReply;
  let mutated = false;
  switch (operation) {
    case 'ListBuckets':
      reply = listBuckets(ctx, req.requestId);
      break;
    case 'CreateBucket':
      reply = createBucket(ctx, bucket);
      mutated = true;
      break;
    case 'HeadBucket':
      reply = headBucket(ctx, bucket);
      break;
    case 'GetBucketLocation':
      reply = bucketLocation(ctx, bucket, req.requestId);
      break;
    case 'ListObjectsV2':
      reply = listObjectsV2(ctx, bucket, req.query, req.requestId);
      break;
    case 'PutObject':
      reply = putObject(ctx, req, bucket, key as string, trailers);
      mutated = true;
      break;
    case 'DeleteObject':
      reply = deleteObject(ctx, bucket, key as string);
      mutated = true;
      break;
    default:
      reply = readObject(ctx, req, bucket, key as string);
  }
  reply.headers['x-amz-request-id'] = req.requestId;
  return { operation, reply, mutated };
}
