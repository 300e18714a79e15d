import { authorize } from '../auth/authorize.js';
import type { AwsContext } from '../context.js';
import { queryReply } from '../protocol/query.js';
import { AwsServiceError } from '../service-error.js';
import type { AwsRequest, HandledCall } from '../types.js';
import { groupOperations } from './groups.js';
import { keyOperations } from './keys.js';
import type { IamOperation } from './operation.js';
import { policyOperations } from './policies.js';
import { userOperations } from './users.js';

/** IAM over the Query protocol, version 2010-05-08. */
export const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

const OPERATIONS: Record<string, IamOperation> = {
  ...userOperations,
  ...groupOperations,
  ...policyOperations,
  ...keyOperations,
};

export function handleIam(ctx: AwsContext, req: AwsRequest, params: Map<string, string>): HandledCall {
  const action = params.get('Action') ?? '';
  const op = OPERATIONS[action];
  if (!op)
    throw new AwsServiceError(
      'InvalidAction',
      `Could not find operation ${action || '(none)'} for version 2010-05-08`,
      400,
    );
  authorize(
    ctx,
    'iam',
    req.principal,
    `iam:${action}`,
    op.resource(ctx, params, req.principal),
    op.context?.(params),
  );
  const result = op.run(ctx, params, req.principal);
  return {
    operation: action,
    reply: queryReply(action, IAM_XMLNS, result, req.requestId),
    mutated: op.mutates,
  };
}
