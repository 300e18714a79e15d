import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { list } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/index.js';
import { awsFailure, clientConfig } from '../support.js';

describe('sandbox S3 (REST, path-style) through @aws-sdk/client-s3', () => {
  let sb: Sandbox;
  let s3: S3Client;
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 0 });
    s3 = new S3Client({ ...clientConfig(sb), forcePathStyle: true });
  });
  afterAll(() => sb.stop());

  it('serves the agent installer tarball, to the SDK and to an unsigned GET (public-read)', async () => {
    const bucket = 'opsworks-instance-agent';
    const key = 'opsworks-agent-installer.tgz';
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBeGreaterThan(100);
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    ).Body?.transformToByteArray();
    const anonymous = await fetch(`${sb.endpoint}/${bucket}/${key}`);
    expect(anonymous.status).toBe(200);
    const bytes = Buffer.from(await anonymous.arrayBuffer());
    expect(bytes.equals(Buffer.from(body ?? []))).toBe(true);
    const entries: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const parser = list({ onReadEntry: (e) => entries.push(e.path) });
      parser.on('end', resolve).on('error', reject);
      parser.end(bytes);
    });
    expect(entries).toContain('opsworks-agent-installer/boot-registration');
  });

  it('refuses unsigned writes and unsigned reads outside the installer bucket', async () => {
    const put = await fetch(`${sb.endpoint}/opsworks-instance-agent/x`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(403);
    expect(await put.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('creates a bucket, puts (plain and aws-chunked streaming), lists, gets and deletes objects', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
    expect(await awsFailure(s3.send(new CreateBucketCommand({ Bucket: 'artifacts' })))).toMatchObject({
      name: 'BucketAlreadyOwnedByYou',
      status: 409,
    });
    await s3.send(
      new PutObjectCommand({ Bucket: 'artifacts', Key: 'dir/plain file.txt', Body: 'plain body' }),
    );
    const streamed = Buffer.alloc(100_000, 'z');
    await s3.send(
      new PutObjectCommand({
        Bucket: 'artifacts',
        Key: 'dir/streamed.bin',
        Body: Readable.from([streamed.subarray(0, 60_000), streamed.subarray(60_000)]),
        ContentLength: streamed.length,
      }),
    );
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'artifacts', Prefix: 'dir/' }));
    expect(listed.Contents?.map((c) => [c.Key, c.Size])).toEqual([
      ['dir/plain file.txt', 10],
      ['dir/streamed.bin', 100_000],
    ]);
    const delimited = await s3.send(new ListObjectsV2Command({ Bucket: 'artifacts', Delimiter: '/' }));
    expect(delimited.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir/']);
    const paged = await s3.send(new ListObjectsV2Command({ Bucket: 'artifacts', MaxKeys: 1 }));
    expect(paged.IsTruncated).toBe(true);
    const rest = await s3.send(
      new ListObjectsV2Command({
        Bucket: 'artifacts',
        MaxKeys: 1,
        ContinuationToken: paged.NextContinuationToken,
      }),
    );
    expect(rest.Contents?.[0]?.Key).toBe('dir/streamed.bin');
    const got = await s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: 'dir/streamed.bin' }));
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(streamed)).toBe(true);
    const ranged = await s3.send(
      new GetObjectCommand({ Bucket: 'artifacts', Key: 'dir/plain file.txt', Range: 'bytes=0-4' }),
    );
    expect(await ranged.Body?.transformToString()).toBe('plain');
    await s3.send(new DeleteObjectCommand({ Bucket: 'artifacts', Key: 'dir/plain file.txt' }));
    expect(
      await awsFailure(s3.send(new GetObjectCommand({ Bucket: 'artifacts', Key: 'dir/plain file.txt' }))),
    ).toMatchObject({
      name: 'NoSuchKey',
      status: 404,
    });
    expect(
      await awsFailure(s3.send(new HeadObjectCommand({ Bucket: 'artifacts', Key: 'missing' }))),
    ).toMatchObject({
      name: 'NotFound',
      status: 404,
    });
    expect(
      await awsFailure(s3.send(new PutObjectCommand({ Bucket: 'nobucket', Key: 'k', Body: 'x' }))),
    ).toMatchObject({
      name: 'NoSuchBucket',
    });
  });

  it('honours conditional writes as S3 does: If-None-Match: * and If-Match, 412 PreconditionFailed', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'locks' }));
    const first = await s3.send(
      new PutObjectCommand({ Bucket: 'locks', Key: 'stack/locks/web1', Body: 'a', IfNoneMatch: '*' }),
    );
    expect(
      await awsFailure(
        s3.send(
          new PutObjectCommand({ Bucket: 'locks', Key: 'stack/locks/web1', Body: 'b', IfNoneMatch: '*' }),
        ),
      ),
    ).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    const read = async () =>
      (
        await s3.send(new GetObjectCommand({ Bucket: 'locks', Key: 'stack/locks/web1' }))
      ).Body?.transformToString();
    expect(await read()).toBe('a');
    // If-Match: only over the object with that ETag.
    expect(
      await awsFailure(
        s3.send(
          new PutObjectCommand({ Bucket: 'locks', Key: 'stack/locks/web1', Body: 'c', IfMatch: '"0"' }),
        ),
      ),
    ).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    await s3.send(
      new PutObjectCommand({ Bucket: 'locks', Key: 'stack/locks/web1', Body: 'd', IfMatch: first.ETag }),
    );
    expect(await read()).toBe('d');
    expect(
      await awsFailure(
        s3.send(
          new PutObjectCommand({ Bucket: 'locks', Key: 'stack/locks/none', Body: 'e', IfMatch: first.ETag }),
        ),
      ),
    ).toMatchObject({ name: 'NoSuchKey', status: 404 });
    expect(
      await awsFailure(
        s3.send(
          new PutObjectCommand({ Bucket: 'locks', Key: 'stack/locks/web2', Body: 'f', IfNoneMatch: '"x"' }),
        ),
      ),
    ).toMatchObject({ name: 'NotImplemented', status: 501 });
    // Twenty writers race for one key: exactly one wins, the others get 412.
    const racers = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        s3.send(
          new PutObjectCommand({ Bucket: 'locks', Key: 'stack/locks/web3', Body: `w${i}`, IfNoneMatch: '*' }),
        ),
      ),
    );
    expect(racers.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of racers.filter((r) => r.status === 'rejected'))
      expect((r as PromiseRejectedResult).reason.name).toBe('PreconditionFailed');
  });
});
