import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { S3Bucket, S3Object } from '../../state/model.js';
import type { AwsContext } from '../context.js';
import { AwsServiceError } from '../service-error.js';
import type { AwsRequest, HttpReply } from '../types.js';

/** Object reads and writes: PutObject (with integrity checks), GetObject/HeadObject (with ranges), DeleteObject. */

export function getBucket(ctx: AwsContext, name: string): S3Bucket {
  const bucket = ctx.state.buckets[name];
  if (!bucket) {
    throw new AwsServiceError('NoSuchBucket', 'The specified bucket does not exist', 404, 'Sender', {
      BucketName: name,
    });
  }
  return bucket;
}

function badDigest(what: string): AwsServiceError {
  return new AwsServiceError(
    'BadDigest',
    `The ${what} you specified did not match the calculated checksum.`,
    400,
  );
}

/** Checks Content-MD5 and a CRC32 checksum (header or aws-chunked trailer) against the body. */
function checkIntegrity(req: AwsRequest, trailers: Map<string, string>): void {
  const md5 = req.headers['content-md5'];
  if (typeof md5 === 'string' && createHash('md5').update(req.body).digest('base64') !== md5) {
    throw badDigest('Content-MD5');
  }
  const crc = trailers.get('x-amz-checksum-crc32') ?? req.headers['x-amz-checksum-crc32'];
  if (typeof crc === 'string') {
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(crc32(req.body) >>> 0);
    if (buf.toString('base64') !== crc) throw badDigest('CRC32');
  }
}

export function putObject(
  ctx: AwsContext,
  req: AwsRequest,
  bucketName: string,
  key: string,
  trailers: Map<string, string>,
): HttpReply {
  const bucket = getBucket(ctx, bucketName);
  if (req.headers['x-amz-copy-source']) {
    throw new AwsServiceError('NotImplemented', 'CopyObject is not implemented by the sandbox', 501);
  }
  checkIntegrity(req, trailers);
  checkWriteConditions(req, bucket.objects[key], key);
  const etag = `"${createHash('md5').update(req.body).digest('hex')}"`;
  bucket.objects[key] = {
    body: req.body.toString('base64'),
    etag,
    contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
    lastModified: new Date(ctx.clock()).toISOString(),
  };
  return { status: 200, headers: { etag }, body: '' };
}

/**
 * Conditional writes, as S3 has had them since 2024: `If-None-Match: *` writes
 * only when no object has the key, `If-Match: <etag>` only over that exact
 * object; otherwise 412 PreconditionFailed and nothing is written. A missing
 * object under If-Match is 404 NoSuchKey; If-None-Match takes only `*` (S3
 * answers 501 NotImplemented to anything else). The check and the write are
 * one synchronous step here, so two racing writers never both win.
 */
function checkWriteConditions(req: AwsRequest, existing: S3Object | undefined, key: string): void {
  const noneMatch = req.headers['if-none-match'];
  const match = req.headers['if-match'];
  if (typeof noneMatch === 'string') {
    if (noneMatch.trim() !== '*') {
      throw new AwsServiceError(
        'NotImplemented',
        'A header you provided implies functionality that is not implemented',
        501,
        'Sender',
        { Header: 'If-None-Match' },
      );
    }
    if (existing) throw preconditionFailed('If-None-Match');
  }
  if (typeof match === 'string') {
    if (!existing)
      throw new AwsServiceError('NoSuchKey', 'The specified key does not exist.', 404, 'Sender', {
        Key: key,
      });
    const wanted = match.trim();
    if (wanted !== '*' && wanted !== existing.etag && `"${wanted}"` !== existing.etag)
      throw preconditionFailed('If-Match');
  }
}

function preconditionFailed(condition: string): AwsServiceError {
  return new AwsServiceError(
    'PreconditionFailed',
    'At least one of the pre-conditions you specified did not hold',
    412,
    'Sender',
    { Condition: condition },
  );
}

function getObjectRecord(ctx: AwsContext, bucketName: string, key: string): S3Object {
  const object = getBucket(ctx, bucketName).objects[key];
  if (!object)
    throw new AwsServiceError('NoSuchKey', 'The specified key does not exist.', 404, 'Sender', { Key: key });
  return object;
}

export function readObject(ctx: AwsContext, req: AwsRequest, bucketName: string, key: string): HttpReply {
  const object = getObjectRecord(ctx, bucketName, key);
  const body = Buffer.from(object.body, 'base64');
  const headers: Record<string, string> = {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
  };
  const range =
    typeof req.headers.range === 'string' ? parseRange(req.headers.range, body.length) : undefined;
  const slice = range ? body.subarray(range[0], range[1] + 1) : body;
  if (range) headers['content-range'] = `bytes ${range[0]}-${range[1]}/${body.length}`;
  headers['content-length'] = String(slice.length);
  return { status: range ? 206 : 200, headers, body: req.method === 'HEAD' ? '' : slice };
}

function parseRange(value: string, size: number): [number, number] | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) {
    throw new AwsServiceError('InvalidRange', 'The requested range is not satisfiable', 416);
  }
  return [start, end];
}

export function deleteObject(ctx: AwsContext, bucketName: string, key: string): HttpReply {
  delete getBucket(ctx, bucketName).objects[key];
  return { status: 204, headers: {}, body: '' };
}
