import { authorize } from '../auth/authorize.js';
import type { AwsContext } from '../context.js';
import { jsonInput, jsonReply } from '../protocol/json.js';
import { AwsServiceError } from '../service-error.js';
import type { AwsRequest, HandledCall } from '../types.js';
import { createActivation, deleteActivation, describeActivations } from './activations.js';
import { describeInstanceInformation } from './describe.js';
import { deregisterManagedInstance, registerManagedInstance, SANDBOX_HOST_HEADER } from './nodes.js';
import { addTagsToResource, listTagsForResource, removeTagsFromResource } from './tagging.js';
import type { Input } from './validate.js';

/** AWS Systems Manager over AWS JSON 1.1: `X-Amz-Target: AmazonSSM.<Operation>`, SigV4 service `ssm`. */
const TARGET_PREFIX = 'AmazonSSM.';

type Operation = (ctx: AwsContext, input: Input, req: AwsRequest) => unknown;

const OPERATIONS: Record<string, { run: Operation; mutates: boolean }> = {
  CreateActivation: { run: (ctx, input) => createActivation(ctx, input), mutates: true },
  DescribeActivations: { run: (ctx, input) => describeActivations(ctx, input), mutates: false },
  DeleteActivation: { run: (ctx, input) => deleteActivation(ctx, input), mutates: true },
  DescribeInstanceInformation: {
    run: (ctx, input) => describeInstanceInformation(ctx, input),
    mutates: false,
  },
  DeregisterManagedInstance: { run: (ctx, input) => deregisterManagedInstance(ctx, input), mutates: true },
  AddTagsToResource: { run: (ctx, input) => addTagsToResource(ctx, input), mutates: true },
  ListTagsForResource: { run: (ctx, input) => listTagsForResource(ctx, input), mutates: false },
  RemoveTagsFromResource: { run: (ctx, input) => removeTagsFromResource(ctx, input), mutates: true },
  RegisterManagedInstance: {
    run: (ctx, input, req) => {
      const host = req.headers[SANDBOX_HOST_HEADER];
      return registerManagedInstance(ctx, input, typeof host === 'string' ? host : undefined);
    },
    mutates: true,
  },
};

/** The agent's registration call: unsigned, as the real agent sends it (anonymous credentials). */
const ANONYMOUS = new Set(['RegisterManagedInstance']);

export function ssmOperation(req: Pick<AwsRequest, 'headers'>): string {
  const target = String(req.headers['x-amz-target'] ?? '');
  return target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
}

export function isAnonymousSsmOperation(req: Pick<AwsRequest, 'headers'>): boolean {
  return ANONYMOUS.has(ssmOperation(req));
}

/** The resource a policy sees: the managed node's ARN when the call names one. */
function resourceOf(ctx: AwsContext, operation: string, input: Input): string {
  const node =
    typeof input.InstanceId === 'string'
      ? input.InstanceId
      : operation.endsWith('TagsToResource') ||
          operation.endsWith('TagsFromResource') ||
          operation === 'ListTagsForResource'
        ? input.ResourceType === 'ManagedInstance' && typeof input.ResourceId === 'string'
          ? input.ResourceId
          : undefined
        : undefined;
  return node ? `arn:aws:ssm:${ctx.region}:${ctx.accountId}:managed-instance/${node}` : '*';
}

export function handleSsm(ctx: AwsContext, req: AwsRequest): HandledCall {
  const operation = ssmOperation(req);
  const op = OPERATIONS[operation];
  if (req.method !== 'POST' || !op) {
    throw new AwsServiceError('UnknownOperationException', `Unknown operation ${operation || '(none)'}`, 400);
  }
  const input: Input = jsonInput(req);
  if (!ANONYMOUS.has(operation)) {
    authorize(ctx, 'ssm', req.principal, `ssm:${operation}`, resourceOf(ctx, operation, input));
    // Handing a role to the nodes an activation registers is passing it: AWS checks iam:PassRole.
    if (operation === 'CreateActivation' && typeof input.IamRole === 'string' && input.IamRole !== '') {
      authorize(
        ctx,
        'ssm',
        req.principal,
        'iam:PassRole',
        `arn:aws:iam::${ctx.accountId}:role/${input.IamRole}`,
      );
    }
  }
  const result = op.run(ctx, input, req);
  return { operation, reply: jsonReply(result, req.requestId), mutated: op.mutates };
}
