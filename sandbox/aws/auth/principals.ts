import type { AwsContext } from '../context.js';
import type { Principal } from '../types.js';

/** A known key and whom it belongs to. */
export interface KeyOwner {
  principal: Exclude<Principal, { kind: 'anonymous' }>;
  secret: string;
  /** The session token the key must come with (temporary credentials only). */
  sessionToken?: string;
}

/** Looks up an access key: the operator's, an IAM user's active key, or an instance-role session. */
export function findKey(ctx: AwsContext, accessKeyId: string): KeyOwner | undefined {
  const op = ctx.operator;
  if (accessKeyId === op.accessKeyId) {
    return {
      principal: { kind: 'operator', accessKeyId, arn: op.arn, userId: op.userId },
      secret: op.secretAccessKey,
    };
  }
  const key = ctx.state.accessKeys[accessKeyId];
  if (key && key.Status === 'Active') {
    const user = ctx.state.users[key.UserName];
    if (!user) return undefined;
    return {
      principal: { kind: 'user', accessKeyId, arn: user.Arn, userId: user.UserId, userName: user.UserName },
      secret: key.SecretAccessKey,
    };
  }
  const session = ctx.state.roleSessions[accessKeyId];
  if (session && session.Expiration > ctx.clock()) {
    const arn = `arn:aws:sts::${ctx.accountId}:assumed-role/${ctx.instanceRole.name}/${session.instanceId}`;
    return {
      principal: {
        kind: 'role',
        accessKeyId,
        arn,
        userId: `AROASANDBOXINSTANCEROLE:${session.instanceId}`,
        roleArn: ctx.instanceRole.arn,
        instanceId: session.instanceId,
      },
      secret: session.SecretAccessKey,
      sessionToken: session.Token,
    };
  }
  return undefined;
}
