import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsContext, Ec2Host } from '../aws/context.js';
import { secretKey, sessionKeyId, sessionToken } from '../ids.js';
import { identityDocument, signIdentity } from './identity.js';

/**
 * An IMDSv2-compatible metadata service for one EC2-class host, on that
 * host's own loopback address: PUT /latest/api/token first, then GETs with
 * the token (IMDSv1-style GETs get 401, as on an instance that requires v2).
 * The host's shell finds it through AWS_EC2_METADATA_SERVICE_ENDPOINT, the
 * variable the AWS SDKs and CLI honour.
 */
const SESSION_MS = 6 * 60 * 60 * 1000;

export interface ImdsServer {
  url: string;
  close(): Promise<void>;
}

export async function startImds(
  ctx: AwsContext,
  host: Ec2Host,
  address: string,
  onCredentials: () => void,
): Promise<ImdsServer> {
  const tokens = new Map<string, number>();
  const credentials = () => {
    const now = ctx.clock();
    let session = Object.values(ctx.state.roleSessions).find(
      (s) => s.instanceId === host.instanceId && s.Expiration - now > 5 * 60 * 1000,
    );
    if (!session) {
      session = {
        AccessKeyId: sessionKeyId(),
        SecretAccessKey: secretKey(),
        Token: sessionToken(),
        Expiration: now + SESSION_MS,
        instanceId: host.instanceId,
      };
      ctx.state.roleSessions[session.AccessKeyId] = session;
      onCredentials();
    }
    return JSON.stringify(
      {
        Code: 'Success',
        LastUpdated: new Date(now).toISOString(),
        Type: 'AWS-HMAC',
        AccessKeyId: session.AccessKeyId,
        SecretAccessKey: session.SecretAccessKey,
        Token: session.Token,
        Expiration: new Date(session.Expiration).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
      null,
      2,
    );
  };
  const role = ctx.instanceRole.name;
  const routes: Record<string, () => string> = {
    '/latest/meta-data/': () =>
      [
        'ami-id',
        'hostname',
        'iam/',
        'instance-id',
        'local-hostname',
        'local-ipv4',
        'placement/',
        'public-ipv4',
      ].join('\n'),
    '/latest/meta-data/ami-id': () => 'ami-0sandbox000000000',
    '/latest/meta-data/instance-id': () => host.instanceId,
    '/latest/meta-data/local-ipv4': () => host.privateIp,
    '/latest/meta-data/public-ipv4': () => host.publicIp,
    '/latest/meta-data/hostname': () => `ip-${host.privateIp.replace(/\./g, '-')}.ec2.internal`,
    '/latest/meta-data/local-hostname': () => `ip-${host.privateIp.replace(/\./g, '-')}.ec2.internal`,
    '/latest/meta-data/placement/': () => 'availability-zone\nregion',
    '/latest/meta-data/placement/availability-zone': () => host.availabilityZone,
    '/latest/meta-data/placement/region': () => ctx.region,
    '/latest/meta-data/iam/': () => 'info\nsecurity-credentials/',
    '/latest/meta-data/iam/info': () =>
      JSON.stringify({
        Code: 'Success',
        InstanceProfileArn: `arn:aws:iam::${ctx.accountId}:instance-profile/${role}`,
        InstanceProfileId: 'AIPASANDBOXINSTANCEPROFILE',
      }),
    '/latest/meta-data/iam/security-credentials/': () => role,
    [`/latest/meta-data/iam/security-credentials/${role}`]: credentials,
    '/latest/dynamic/instance-identity/document': () => identityDocument(ctx, host),
    '/latest/dynamic/instance-identity/signature': () => signIdentity(ctx, identityDocument(ctx, host)),
  };
  const server: Server = createServer((req, res) => {
    if (ctx.faults.metadataRequestDropped()) {
      req.socket.destroy();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(body);
    };
    if (req.method === 'PUT' && path === '/latest/api/token') {
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return reply(400, 'Bad Request');
      const token = randomBytes(32).toString('base64url');
      tokens.set(token, Date.now() + ttl * 1000);
      return reply(200, token, { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
    }
    if (req.method !== 'GET') return reply(405, 'Method Not Allowed');
    const token = req.headers['x-aws-ec2-metadata-token'];
    const expires = typeof token === 'string' ? tokens.get(token) : undefined;
    if (expires === undefined || expires < Date.now()) return reply(401, 'Unauthorized');
    const route = routes[path];
    if (!route) return reply(404, 'Not Found');
    return reply(200, route());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
