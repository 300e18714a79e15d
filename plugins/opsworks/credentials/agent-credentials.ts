import type { RegistrationTarget } from '../../../core/plugin/registration.js';
import type { ModuleContext, ModuleResult } from '../../../core/plugin/types.js';
import type { RegisterOptions } from '../options.js';
import type { RegisterPlay } from '../play-context.js';
import { awsMessage, rollbackHost, stackOrFailure, withRollback } from '../support.js';
import { createAgentUser } from './iam-user.js';

/**
 * What the OpsWorks service makes for the agent, per agent credential mode
 * (the credentials plugin's `opsworks_agent_credentials` step calls it).
 *  - `iam-user`: an IAM user for this host in the stack's group, with the
 *    registration policy (or the 15-minute inline fallback) and an access
 *    key; the secret key stays in memory, wrapped as a Secret, until the
 *    install step writes it into the host's 0600 preconfig;
 *  - `instance-profile` (EC2 only): nothing to make, the agent uses the
 *    instance's role.
 * What it made is kept per host so a failure later in the play removes it.
 */
export async function createAgentCredentials(
  ctx: ModuleContext,
  play: RegisterPlay,
  o: RegisterOptions,
  target: RegistrationTarget,
): Promise<ModuleResult> {
  if (o.agentCredentials === 'instance-profile') {
    return {
      changed: false,
      msg: 'instance-profile: the agent uses the EC2 instance role',
      data: { mode: 'instance-profile' },
    };
  }
  if (ctx.check) return { changed: true, msg: `would make an IAM user for ${target.identityName}` };
  const record = play.ledger.host(ctx.host);
  if (record.credentials && record.iam?.user) {
    return {
      changed: false,
      msg: `IAM user ${record.iam.user} already made in this run`,
      data: { mode: 'iam-user', user: record.iam.user },
    };
  }
  const fetched = await stackOrFailure(play, o);
  if ('failure' in fetched) return fetched.failure;
  const { stack } = fetched;
  record.iam ??= {};
  record.options = o;
  record.committed = false;
  try {
    const user = await createAgentUser(
      {
        iam: play.clients.for(o).iam,
        limiter: play.iamLimiter,
        retry: {
          attempts: 8,
          baseMs: 200,
          capMs: 10_000,
          signal: ctx.signal,
          // A transient failure is retried, and said so (throttling is routine and stays quiet).
          onRetry: (error, attempt) =>
            ctx.warn(`IAM: ${awsMessage(error)}: transient, retrying (attempt ${attempt + 1} of 8)`),
        },
        journal: play.ledger.journal(o).forHost(ctx.host),
      },
      { stackId: stack.stackId, stackName: stack.name, stackArn: stack.arn, iamName: target.identityName },
      record.iam,
    );
    record.credentials = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
    if (user.inlinePolicy) {
      ctx.warn(
        `AttachUserPolicy was denied: put the inline policy OpsWorks-Instance on ${user.userName} (RegisterInstance on the stack for 15 minutes)`,
      );
    }
    return {
      changed: true,
      msg: `IAM user ${user.userName}${user.inlinePolicy ? ' (inline policy)' : ''}, access key ${user.accessKeyId}`,
      data: {
        mode: 'iam-user',
        user: user.userName,
        access_key_id: user.accessKeyId,
        inline_policy: user.inlinePolicy,
      },
    };
  } catch (error) {
    const rollback = await rollbackHost(play, o, record, { deregister: false });
    return { changed: false, failed: true, msg: withRollback(`IAM: ${awsMessage(error)}`, rollback) };
  }
}
