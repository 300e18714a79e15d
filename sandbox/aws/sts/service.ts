import type { AwsContext } from '../context.js';
import { queryReply } from '../protocol/query.js';
import { txt } from '../protocol/xml.js';
import { AwsServiceError } from '../service-error.js';
import type { AwsRequest, HandledCall } from '../types.js';

/** STS GetCallerIdentity over the Query protocol (version 2011-06-15); it needs no permission, as in AWS. */
export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function handleSts(ctx: AwsContext, req: AwsRequest, params: Map<string, string>): HandledCall {
  const action = params.get('Action') ?? '';
  if (action !== 'GetCallerIdentity') {
    throw new AwsServiceError(
      'InvalidAction',
      `Could not find operation ${action || '(none)'} for version 2011-06-15`,
      400,
    );
  }
  const p = req.principal;
  if (p.kind === 'anonymous')
    throw new AwsServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  const result = txt('UserId', p.userId) + txt('Account', ctx.accountId) + txt('Arn', p.arn);
  return { operation: action, reply: queryReply(action, STS_XMLNS, result, req.requestId), mutated: false };
}
