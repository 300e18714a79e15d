import { uuid } from '../../ids.js';
import { identityIsGenuine } from '../../imds/identity.js';
import type { OpsInstance } from '../../state/model.js';
import type { AwsContext } from '../context.js';
import type { Principal } from '../types.js';
import {
  type Input,
  notFound,
  optionalString,
  optionalStrings,
  requiredString,
  validation,
} from './input.js';
import { advance, registrationSteps, schedule } from './lifecycle.js';
import { instanceShape } from './shapes.js';
import { getLayer, getStack } from './stacks.js';

/** Registered instances: register, describe, assign to layers, unassign, deregister. */

const HOSTNAME = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

export function getInstance(ctx: AwsContext, instanceId: string): OpsInstance {
  const instance = ctx.state.instances[instanceId];
  if (!instance) throw notFound(`Unable to find instance with ID ${instanceId}`);
  return advance(instance, ctx.clock());
}

export function describeInstances(ctx: AwsContext, input: Input): { Instances: unknown[] } {
  const stackId = optionalString(input, 'StackId');
  const layerId = optionalString(input, 'LayerId');
  const ids = optionalStrings(input, 'InstanceIds');
  const given = [stackId, layerId, ids].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw validation('Please provide either one or more instance IDs or one stack ID or one layer ID');
  }
  let found: OpsInstance[];
  if (ids) found = ids.map((id) => getInstance(ctx, id));
  else if (stackId) {
    getStack(ctx, stackId);
    found = Object.values(ctx.state.instances).filter((i) => i.StackId === stackId);
  } else {
    const layer = getLayer(ctx, layerId as string);
    found = Object.values(ctx.state.instances).filter((i) => i.LayerIds.includes(layer.LayerId));
  }
  const now = ctx.clock();
  return { Instances: found.map((i) => instanceShape(advance(i, now))) };
}

interface Identity {
  instanceId: string;
  region?: string;
}

function checkIdentity(ctx: AwsContext, input: Input): Identity | undefined {
  const raw = input.InstanceIdentity;
  if (raw === undefined || raw === null) return undefined;
  const { Document, Signature } = raw as { Document?: unknown; Signature?: unknown };
  if (typeof Document !== 'string' || typeof Signature !== 'string') {
    throw validation('InstanceIdentity needs both Document and Signature');
  }
  if (!identityIsGenuine(ctx, Document, Signature)) {
    throw validation('The instance identity document could not be verified: its signature does not match');
  }
  const doc = JSON.parse(Document) as Identity;
  return doc;
}

export function registerInstance(
  ctx: AwsContext,
  input: Input,
  principal: Principal,
): { InstanceId: string } {
  const stack = getStack(ctx, requiredString(input, 'StackId'));
  const hostname = optionalString(input, 'Hostname');
  if (hostname !== undefined && !HOSTNAME.test(hostname)) {
    throw validation(
      `Invalid hostname '${hostname}': use 1 to 63 letters, digits or dashes, not starting or ending with a dash`,
    );
  }
  const identity = checkIdentity(ctx, input);
  const ec2 = identity ? ctx.ec2Hosts().find((h) => h.instanceId === identity.instanceId) : undefined;
  if (identity && !ec2) throw validation(`EC2 instance ${identity.instanceId} does not exist`);
  if (ec2 && stack.VpcId && ec2.vpcId !== stack.VpcId) {
    throw validation(`EC2 instance ${ec2.instanceId} is not in the stack's VPC ${stack.VpcId}`);
  }
  const others = Object.values(ctx.state.instances);
  if (ec2 && others.some((i) => i.Ec2InstanceId === ec2.instanceId)) {
    throw validation(`EC2 instance ${ec2.instanceId} is already registered`);
  }
  const name = hostname ?? `instance-${others.length + 1}`;
  if (others.some((i) => i.StackId === stack.StackId && i.Hostname.toLowerCase() === name.toLowerCase())) {
    throw validation(`Hostname ${name} is already in use in stack ${stack.StackId}`);
  }
  if (ctx.faults.registrationFails(name)) {
    throw validation(`Registration of ${name} failed (sandbox fault failRegistration)`);
  }
  const now = ctx.clock();
  const InstanceId = uuid();
  const instance: OpsInstance = {
    InstanceId,
    StackId: stack.StackId,
    Arn: `arn:aws:opsworks:${ctx.region}:${ctx.accountId}:instance/${InstanceId}`,
    Hostname: name,
    Status: 'registering',
    InfrastructureClass: ec2 ? 'ec2' : 'on-premises',
    RegisteredBy: principal.kind === 'anonymous' ? '' : principal.arn,
    ...(ec2 ? { Ec2InstanceId: ec2.instanceId } : {}),
    ...pickIp('PrivateIp', optionalString(input, 'PrivateIp') ?? ec2?.privateIp),
    ...pickIp('PublicIp', optionalString(input, 'PublicIp') ?? ec2?.publicIp),
    ...(optionalString(input, 'RsaPublicKeyFingerprint')
      ? { RsaPublicKeyFingerprint: optionalString(input, 'RsaPublicKeyFingerprint') }
      : {}),
    ReportedOs: ctx.reportedOs,
    LayerIds: [],
    CreatedAt: new Date(now).toISOString(),
    pending: [],
  };
  schedule(
    instance,
    now,
    registrationSteps(ctx.registrationDelayMs, ctx.faults.setupFails(name, ec2?.instanceId)),
  );
  ctx.state.instances[InstanceId] = instance;
  return { InstanceId };
}

function pickIp(name: 'PrivateIp' | 'PublicIp', value: string | undefined): Partial<OpsInstance> {
  return value ? { [name]: value } : {};
}

export function deregisterInstance(ctx: AwsContext, input: Input): Record<string, never> {
  const instance = getInstance(ctx, requiredString(input, 'InstanceId'));
  delete ctx.state.instances[instance.InstanceId];
  return {};
}

export function assignInstance(ctx: AwsContext, input: Input): Record<string, never> {
  const instance = getInstance(ctx, requiredString(input, 'InstanceId'));
  const layerIds = optionalStrings(input, 'LayerIds');
  if (!layerIds || layerIds.length === 0) throw validation('LayerIds must name at least one layer');
  const layers = layerIds.map((id) => getLayer(ctx, id));
  if (instance.Status !== 'registered') {
    throw validation(
      `Instance ${instance.InstanceId} must be registered to be assigned; it is ${instance.Status}`,
    );
  }
  for (const layer of layers) {
    if (layer.StackId !== instance.StackId)
      throw validation(`Layer ${layer.LayerId} is not in the instance's stack`);
    if (instance.InfrastructureClass === 'ec2' && layer.Type !== 'custom') {
      throw validation(
        `Registered EC2 instances can be assigned only to custom layers; ${layer.LayerId} is ${layer.Type}`,
      );
    }
  }
  instance.LayerIds = [...layerIds];
  instance.Status = 'assigning';
  schedule(instance, ctx.clock(), [['online', ctx.registrationDelayMs]]);
  return {};
}

export function unassignInstance(ctx: AwsContext, input: Input): Record<string, never> {
  const instance = getInstance(ctx, requiredString(input, 'InstanceId'));
  if (instance.LayerIds.length === 0)
    throw validation(`Instance ${instance.InstanceId} is not assigned to any layer`);
  instance.LayerIds = [];
  instance.Status = 'registered';
  instance.pending = [];
  return {};
}
