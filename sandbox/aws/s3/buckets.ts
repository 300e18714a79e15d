import type { AwsContext } from '../context.js';
import { S3_XMLNS, s3Xml } from '../protocol/s3.js';
import { el, txt } from '../protocol/xml.js';
import { AwsServiceError } from '../service-error.js';
import type { HttpReply } from '../types.js';
import { getBucket } from './objects.js';

/** Buckets: CreateBucket, HeadBucket, ListBuckets, GetBucketLocation, ListObjectsV2. */

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function createBucket(ctx: AwsContext, name: string): HttpReply {
  if (!BUCKET_NAME.test(name)) {
    throw new AwsServiceError('InvalidBucketName', 'The specified bucket is not valid.', 400, 'Sender', {
      BucketName: name,
    });
  }
  if (ctx.state.buckets[name]) {
    throw new AwsServiceError(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      'Sender',
      { BucketName: name },
    );
  }
  ctx.state.buckets[name] = { createdAt: new Date(ctx.clock()).toISOString(), objects: {} };
  return { status: 200, headers: { location: `/${name}` }, body: '' };
}

export function headBucket(ctx: AwsContext, name: string): HttpReply {
  getBucket(ctx, name);
  return { status: 200, headers: { 'x-amz-bucket-region': ctx.region }, body: '' };
}

export function listBuckets(ctx: AwsContext, requestId: string): HttpReply {
  const buckets = Object.entries(ctx.state.buckets)
    .map(([name, b]) => el('Bucket', txt('Name', name) + txt('CreationDate', b.createdAt)))
    .join('');
  return s3Xml(
    `<ListAllMyBucketsResult xmlns="${S3_XMLNS}">${el('Owner', txt('ID', ctx.accountId) + txt('DisplayName', 'sandbox'))}${el('Buckets', buckets)}</ListAllMyBucketsResult>`,
    requestId,
  );
}

export function bucketLocation(ctx: AwsContext, name: string, requestId: string): HttpReply {
  getBucket(ctx, name);
  const region = ctx.region === 'us-east-1' ? '' : ctx.region;
  return s3Xml(`<LocationConstraint xmlns="${S3_XMLNS}">${region}</LocationConstraint>`, requestId);
}

export function listObjectsV2(
  ctx: AwsContext,
  name: string,
  query: Map<string, string>,
  requestId: string,
): HttpReply {
  const bucket = getBucket(ctx, name);
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = Math.min(Math.max(Number(query.get('max-keys') ?? '1000') || 0, 0), 1000);
  const urlEncode = query.get('encoding-type') === 'url';
  const enc = (s: string) => (urlEncode ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  const token = query.get('continuation-token');
  const after = token ? Buffer.from(token, 'base64').toString('utf8') : (query.get('start-after') ?? '');
  const keys = Object.keys(bucket.objects)
    .filter((k) => k.startsWith(prefix) && k > after)
    .sort();
  const contents: string[] = [];
  const prefixes = new Set<string>();
  let last = '';
  let truncated = false;
  for (const key of keys) {
    if (contents.length + prefixes.size >= maxKeys) {
      truncated = true;
      break;
    }
    last = key;
    if (delimiter) {
      const cut = key.indexOf(delimiter, prefix.length);
      if (cut >= 0) {
        prefixes.add(key.slice(0, cut + delimiter.length));
        continue;
      }
    }
    const o = bucket.objects[key];
    contents.push(
      el(
        'Contents',
        txt('Key', enc(key)) +
          txt('LastModified', o.lastModified) +
          txt('ETag', o.etag) +
          txt('Size', Buffer.byteLength(o.body, 'base64')) +
          txt('StorageClass', 'STANDARD'),
      ),
    );
  }
  const body =
    txt('Name', name) +
    txt('Prefix', enc(prefix)) +
    (delimiter ? txt('Delimiter', enc(delimiter)) : '') +
    txt('MaxKeys', maxKeys) +
    (urlEncode ? txt('EncodingType', 'url') : '') +
    txt('KeyCount', contents.length + prefixes.size) +
    txt('IsTruncated', truncated) +
    (token ? txt('ContinuationToken', token) : '') +
    (truncated ? txt('NextContinuationToken', Buffer.from(last).toString('base64')) : '') +
    contents.join('') +
    [...prefixes].map((p) => el('CommonPrefixes', txt('Prefix', enc(p)))).join('');
  return s3Xml(`<ListBucketResult xmlns="${S3_XMLNS}">${body}</ListBucketResult>`, requestId);
}
