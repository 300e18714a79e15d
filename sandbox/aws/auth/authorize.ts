import type { AwsContext } from '../context.js';
import { AwsServiceError } from '../service-error.js';
import type { AwsService, Principal } from '../types.js';
import { MANAGED_POLICIES, REGISTRATION_POLICY_ARN } from './managed.js';
import { evaluate, type PolicyDocument, parsePolicy } from './policy.js';

/**
 * Decides whether the caller may perform `action` on `resource`. The operator
 * may do anything (less the actions a fault denies); an IAM user only what its
 * attached and inline policies allow at the sandbox clock's time; an instance
 * role what the managed registration policy allows; an anonymous caller
 * nothing here (public reads are decided by the S3 handler).
 */
export function authorize(
  ctx: AwsContext,
  service: AwsService,
  principal: Principal,
  action: string,
  resource: string,
  context?: Record<string, string>,
): void {
  const who = principal.kind === 'anonymous' ? 'anonymous' : principal.arn;
  if (ctx.faults.isDenied(action)) {
    throw denied(
      service,
      `User: ${who} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny`,
    );
  }
  if (principal.kind === 'operator') return;
  const documents =
    principal.kind === 'user'
      ? userPolicies(ctx, principal.userName)
      : principal.kind === 'role'
        ? [MANAGED_POLICIES[REGISTRATION_POLICY_ARN]]
        : [];
  const decision = evaluate(documents, { action, resource, now: ctx.clock(), context });
  if (decision === 'allow') return;
  const why =
    decision === 'deny' ? 'with an explicit deny' : 'because no identity-based policy allows the action';
  throw denied(
    service,
    `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
  );
}

function userPolicies(ctx: AwsContext, userName: string): PolicyDocument[] {
  const user = ctx.state.users[userName];
  if (!user) return [];
  const docs: PolicyDocument[] = [];
  for (const arn of user.attachedPolicies) {
    const managed = MANAGED_POLICIES[arn];
    if (managed) docs.push(managed);
  }
  for (const json of Object.values(user.inlinePolicies)) {
    const doc = parsePolicy(json);
    if (doc) docs.push(doc);
  }
  return docs;
}

/** Each service names a denial its own way. */
export function denied(service: AwsService, message: string): AwsServiceError {
  switch (service) {
    case 'opsworks':
    case 'ssm':
      return new AwsServiceError('AccessDeniedException', message, 400);
    case 'ec2':
      return new AwsServiceError(
        'UnauthorizedOperation',
        `You are not authorized to perform this operation. ${message}`,
        403,
      );
    default:
      return new AwsServiceError('AccessDenied', message, 403);
  }
}
