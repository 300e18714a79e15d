import { authorize } from '../auth/authorize.js';
import type { AwsContext } from '../context.js';
import { jsonInput, jsonReply } from '../protocol/json.js';
import { AwsServiceError } from '../service-error.js';
import type { AwsRequest, HandledCall } from '../types.js';
import type { Input } from './input.js';
import {
  assignInstance,
  deregisterInstance,
  describeInstances,
  getInstance,
  registerInstance,
  unassignInstance,
} from './instances.js';
import {
  createLayer,
  createStack,
  describeLayers,
  describeProvisioning,
  describeStacks,
  getLayer,
  stackArn,
} from './stacks.js';

/** OpsWorks over AWS JSON 1.1: `X-Amz-Target: OpsWorks_20130218.<Operation>`. */
const TARGET_PREFIX = 'OpsWorks_20130218.';

type Operation = (ctx: AwsContext, input: Input, req: AwsRequest) => unknown;

const OPERATIONS: Record<string, { run: Operation; mutates: boolean }> = {
  CreateStack: { run: (ctx, input) => createStack(ctx, input), mutates: true },
  DescribeStacks: { run: (ctx, input) => describeStacks(ctx, input), mutates: false },
  DescribeStackProvisioningParameters: {
    run: (ctx, input) => describeProvisioning(ctx, input),
    mutates: false,
  },
  CreateLayer: { run: (ctx, input) => createLayer(ctx, input), mutates: true },
  DescribeLayers: { run: (ctx, input) => describeLayers(ctx, input), mutates: false },
  DescribeInstances: { run: (ctx, input) => describeInstances(ctx, input), mutates: false },
  RegisterInstance: { run: (ctx, input, req) => registerInstance(ctx, input, req.principal), mutates: true },
  DeregisterInstance: { run: (ctx, input) => deregisterInstance(ctx, input), mutates: true },
  AssignInstance: { run: (ctx, input) => assignInstance(ctx, input), mutates: true },
  UnassignInstance: { run: (ctx, input) => unassignInstance(ctx, input), mutates: true },
};

export function opsworksOperation(req: Pick<AwsRequest, 'headers'>): string {
  const target = String(req.headers['x-amz-target'] ?? '');
  return target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
}

/** The resource a policy sees: the stack's ARN when the call names a stack (directly or through an instance or layer). */
function resourceOf(ctx: AwsContext, input: Input): string {
  try {
    if (typeof input.StackId === 'string') return stackArn(ctx, input.StackId);
    if (typeof input.InstanceId === 'string')
      return stackArn(ctx, getInstance(ctx, input.InstanceId).StackId);
    if (typeof input.LayerId === 'string') return stackArn(ctx, getLayer(ctx, input.LayerId).StackId);
    if (Array.isArray(input.StackIds) && input.StackIds.length === 1)
      return stackArn(ctx, String(input.StackIds[0]));
  } catch {
    // An unknown ID is reported by the operation itself, after authorization.
  }
  return '*';
}

export function handleOpsWorks(ctx: AwsContext, req: AwsRequest): HandledCall {
  const operation = opsworksOperation(req);
  const op = OPERATIONS[operation];
  if (req.method !== 'POST' || !op) {
    throw new AwsServiceError('UnknownOperationException', `Unknown operation ${operation || '(none)'}`, 400);
  }
  const input: Input = jsonInput(req);
  authorize(ctx, 'opsworks', req.principal, `opsworks:${operation}`, resourceOf(ctx, input));
  const result = op.run(ctx, input, req);
  return { operation, reply: jsonReply(result, req.requestId), mutated: op.mutates };
}
