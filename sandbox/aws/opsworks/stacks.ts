import { uuid } from '../../ids.js';
import type { Layer, Stack } from '../../state/model.js';
import type { AwsContext } from '../context.js';
import {
  type Input,
  notFound,
  optionalString,
  optionalStrings,
  requiredString,
  validation,
} from './input.js';
import { provisioningParameters } from './provisioning.js';
import { layerShape, stackShape } from './shapes.js';

/** Stacks and layers: create, describe, and the provisioning parameters. */

export function stackArn(ctx: AwsContext, stackId: string): string {
  return `arn:aws:opsworks:${ctx.region}:${ctx.accountId}:stack/${stackId}/`;
}

export function getStack(ctx: AwsContext, stackId: string): Stack {
  const stack = ctx.state.stacks[stackId];
  if (!stack) throw notFound(`Unable to find stack with ID ${stackId}`);
  return stack;
}

export function createStack(ctx: AwsContext, input: Input): { StackId: string } {
  const stack = newStack(ctx, {
    Name: requiredString(input, 'Name'),
    Region: requiredString(input, 'Region'),
    ServiceRoleArn: requiredString(input, 'ServiceRoleArn'),
    DefaultInstanceProfileArn: requiredString(input, 'DefaultInstanceProfileArn'),
    VpcId: optionalString(input, 'VpcId'),
    DefaultOs: optionalString(input, 'DefaultOs'),
  });
  return { StackId: stack.StackId };
}

export function newStack(
  ctx: AwsContext,
  fields: Pick<Stack, 'Name' | 'Region' | 'ServiceRoleArn' | 'DefaultInstanceProfileArn'> & {
    VpcId?: string;
    DefaultOs?: string;
    StackId?: string;
  },
): Stack {
  const StackId = fields.StackId ?? uuid();
  const stack: Stack = {
    StackId,
    Name: fields.Name,
    Arn: stackArn(ctx, StackId),
    Region: fields.Region,
    ...(fields.VpcId ? { VpcId: fields.VpcId } : {}),
    ServiceRoleArn: fields.ServiceRoleArn,
    DefaultInstanceProfileArn: fields.DefaultInstanceProfileArn,
    DefaultOs: fields.DefaultOs ?? 'Amazon Linux 2',
    CreatedAt: new Date(ctx.clock()).toISOString(),
  };
  ctx.state.stacks[StackId] = stack;
  return stack;
}

export function describeStacks(ctx: AwsContext, input: Input): { Stacks: unknown[] } {
  const ids = optionalStrings(input, 'StackIds');
  const stacks = ids ? ids.map((id) => getStack(ctx, id)) : Object.values(ctx.state.stacks);
  return { Stacks: stacks.map(stackShape) };
}

export function describeProvisioning(
  ctx: AwsContext,
  input: Input,
): ReturnType<typeof provisioningParameters> {
  getStack(ctx, requiredString(input, 'StackId'));
  return provisioningParameters(ctx);
}

const LAYER_TYPES = new Set([
  'aws-flow-ruby',
  'ecs-cluster',
  'java-app',
  'lb',
  'web',
  'php-app',
  'rails-app',
  'nodejs-app',
  'memcached',
  'db-master',
  'monitoring-master',
  'custom',
]);

export function createLayer(ctx: AwsContext, input: Input): { LayerId: string } {
  const stack = getStack(ctx, requiredString(input, 'StackId'));
  const Type = requiredString(input, 'Type');
  const Name = requiredString(input, 'Name');
  const Shortname = requiredString(input, 'Shortname');
  if (!LAYER_TYPES.has(Type)) throw validation(`Invalid layer type: ${Type}`);
  if (!/^[a-z0-9][a-z0-9\-_.]{0,199}$/.test(Shortname)) {
    throw validation(`Shortname must be lowercase letters, digits, '-', '_' or '.': ${Shortname}`);
  }
  const clash = Object.values(ctx.state.layers).find(
    (l) => l.StackId === stack.StackId && (l.Shortname === Shortname || l.Name === Name),
  );
  if (clash)
    throw validation(`There is already a layer named ${Name} or with short name ${Shortname} in this stack`);
  const LayerId = uuid();
  const layer: Layer = {
    LayerId,
    StackId: stack.StackId,
    Arn: `arn:aws:opsworks:${ctx.region}:${ctx.accountId}:layer/${LayerId}`,
    Type,
    Name,
    Shortname,
    CreatedAt: new Date(ctx.clock()).toISOString(),
  };
  ctx.state.layers[LayerId] = layer;
  return { LayerId };
}

export function getLayer(ctx: AwsContext, layerId: string): Layer {
  const layer = ctx.state.layers[layerId];
  if (!layer) throw notFound(`Unable to find layer with ID ${layerId}`);
  return layer;
}

export function describeLayers(ctx: AwsContext, input: Input): { Layers: unknown[] } {
  const stackId = optionalString(input, 'StackId');
  const ids = optionalStrings(input, 'LayerIds');
  if (ids) return { Layers: ids.map((id) => layerShape(getLayer(ctx, id))) };
  if (!stackId) throw validation('Please provide either one or more layer IDs or a stack ID');
  getStack(ctx, stackId);
  return {
    Layers: Object.values(ctx.state.layers)
      .filter((l) => l.StackId === stackId)
      .map(layerShape),
  };
}
