import { request } from 'node:http';
import { crc32 } from 'node:zlib';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { DescribeStacksCommand, OpsWorksClient } from '@aws-sdk/client-opsworks';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../../sandbox/index.js';
import { awsFailure, clientConfig, NodeSha256 } from '../../support.js';

type Creds = { accessKeyId: string; secretAccessKey: string };

/** One call per service, made with the given key. */
function callEach(sb: Sandbox, creds: Creds) {
  const cfg = clientConfig(sb, creds);
  return {
    opsworks: () => new OpsWorksClient(cfg).send(new DescribeStacksCommand({})),
    iam: () => new IAMClient(cfg).send(new CreateUserCommand({ UserName: 'never-made' })),
    s3: () => new S3Client({ ...cfg, forcePathStyle: true }).send(new ListBucketsCommand({})),
    ec2: () => new EC2Client(cfg).send(new DescribeInstancesCommand({})),
    sts: () => new STSClient(cfg).send(new GetCallerIdentityCommand({})),
  };
}

function raw(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('SigV4 verification on every service', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 0 });
  });
  afterAll(() => sb.stop());

  it('rejects a wrong secret with each service’s signature error', async () => {
    const calls = callEach(sb, {
      accessKeyId: sb.credentials.accessKeyId,
      secretAccessKey: 'wrong'.padEnd(40, 'x'),
    });
    expect(await awsFailure(calls.opsworks())).toMatchObject({
      name: 'InvalidSignatureException',
      status: 400,
    });
    expect(await awsFailure(calls.iam())).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(await awsFailure(calls.s3())).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(await awsFailure(calls.ec2())).toMatchObject({ name: 'AuthFailure', status: 401 });
    expect(await awsFailure(calls.sts())).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
  });

  it('rejects an unknown key with each service’s unknown-key error', async () => {
    const calls = callEach(sb, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) });
    expect(await awsFailure(calls.opsworks())).toMatchObject({ name: 'UnrecognizedClientException' });
    expect(await awsFailure(calls.iam())).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
    expect(await awsFailure(calls.s3())).toMatchObject({ name: 'InvalidAccessKeyId', status: 403 });
    expect(await awsFailure(calls.ec2())).toMatchObject({ name: 'AuthFailure' });
    expect(await awsFailure(calls.sts())).toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it('accepts a key made by CreateAccessKey, and rejects it once deleted', async () => {
    const iam = new IAMClient(clientConfig(sb));
    await iam.send(new CreateUserCommand({ UserName: 'keyholder' }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'keyholder' }));
    const creds = {
      accessKeyId: AccessKey?.AccessKeyId ?? '',
      secretAccessKey: AccessKey?.SecretAccessKey ?? '',
    };
    const who = await callEach(sb, creds).sts();
    expect(who.Arn).toBe(`arn:aws:iam::${sb.accountId}:user/keyholder`);
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: creds.accessKeyId }));
    expect(await awsFailure(callEach(sb, creds).sts())).toMatchObject({ name: 'InvalidClientTokenId' });
    expect(await awsFailure(callEach(sb, creds).opsworks())).toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  it('refuses unsigned calls to the non-S3 services', async () => {
    const r = await raw(
      new URL(sb.endpoint),
      'POST',
      {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'OpsWorks_20130218.DescribeStacks',
      },
      Buffer.from('{}'),
    );
    expect(r.status).toBe(400);
    expect(r.text).toContain('MissingAuthenticationTokenException');
  });

  const signer = (service: string, sb: Sandbox) =>
    new SignatureV4({
      service,
      region: sb.region,
      credentials: sb.credentials,
      sha256: NodeSha256,
      uriEscapePath: service !== 's3',
    });

  it.each([
    ['opsworks', 'OpsWorks_20130218.DescribeStacks'],
    ['ssm', 'AmazonSSM.DescribeActivations'],
  ])(
    '%s answers a signed body that is not a JSON object with SerializationException',
    async (service, target) => {
      const url = new URL(sb.endpoint);
      for (const body of ['{not json', '[1, 2]']) {
        const signed = await signer(service, sb).sign({
          method: 'POST',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: '/',
          headers: {
            host: url.host,
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': target,
          },
          body,
          query: {},
        });
        const r = await raw(new URL(`${sb.endpoint}/`), 'POST', signed.headers, Buffer.from(body));
        expect(r.status, body).toBe(400);
        expect(JSON.parse(r.text).__type, body).toBe('SerializationException');
      }
    },
  );

  it('accepts a presigned S3 URL (query-string signature) and refuses it once tampered', async () => {
    const url = new URL(sb.endpoint);
    const presigned = await signer('s3', sb).presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/opsworks-instance-agent/opsworks-agent-installer.tgz',
        // As @aws-sdk/s3-request-presigner does: the payload is not signed, and that is signed.
        headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        query: {},
      },
      { expiresIn: 300 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const ok = await fetch(`${sb.endpoint}${presigned.path}?${query}`);
    expect(ok.status).toBe(200);
    const signature = String(presigned.query?.['X-Amz-Signature']);
    const flipped = `${signature[0] === '0' ? '1' : '0'}${signature.slice(1)}`;
    const bad = await fetch(`${sb.endpoint}${presigned.path}?${query.replace(signature, flipped)}`);
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain('SignatureDoesNotMatch');
  });

  it('takes an aws-chunked upload with a trailing CRC32 and refuses a wrong checksum', async () => {
    await new S3Client({ ...clientConfig(sb), forcePathStyle: true }).send(
      new (await import('@aws-sdk/client-s3')).CreateBucketCommand({ Bucket: 'chunks' }),
    );
    const url = new URL(sb.endpoint);
    const put = async (checksum: string) => {
      const payload = Buffer.from('hello, chunked world');
      const framed = Buffer.concat([
        Buffer.from(`${payload.length.toString(16)}\r\n`),
        payload,
        Buffer.from(`\r\n0\r\nx-amz-checksum-crc32:${checksum}\r\n\r\n`),
      ]);
      const headers: Record<string, string> = {
        host: url.host,
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'x-amz-decoded-content-length': String(payload.length),
        'x-amz-trailer': 'x-amz-checksum-crc32',
        'content-length': String(framed.length),
      };
      const signed = await signer('s3', sb).sign({
        method: 'PUT',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/chunks/greeting.txt',
        headers,
        query: {},
      });
      return raw(new URL(`${sb.endpoint}/chunks/greeting.txt`), 'PUT', signed.headers, framed);
    };
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32('hello, chunked world') >>> 0);
    expect((await put(crc.toString('base64'))).status).toBe(200);
    const wrong = await put('AAAAAA==');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('BadDigest');
    const get = await new S3Client({ ...clientConfig(sb), forcePathStyle: true }).send(
      new (await import('@aws-sdk/client-s3')).GetObjectCommand({ Bucket: 'chunks', Key: 'greeting.txt' }),
    );
    expect(await get.Body?.transformToString()).toBe('hello, chunked world');
    const chunkedPuts = sb.calls().filter((c) => c.operation === 'PutObject');
    expect(chunkedPuts.map((c) => [c.status, c.payloadSigning])).toEqual([
      [200, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'],
      [400, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'],
    ]);
  });
});
