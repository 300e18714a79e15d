import type { SsmTag } from '../../state/model.js';
import type { AwsContext } from '../context.js';
import { mergeTags, readTags } from './tags.js';
import { Checks, type Input, ssmError, TAG_PATTERN } from './validate.js';

/**
 * AddTagsToResource / ListTagsForResource / RemoveTagsFromResource. Of the
 * taggable types only managed nodes exist in the sandbox; an activation is
 * not a taggable type (its tags are set once, at CreateActivation), so AWS's
 * enum check refuses `Activation` as it does here.
 */
const RESOURCE_TYPES = [
  'Document',
  'ManagedInstance',
  'MaintenanceWindow',
  'Parameter',
  'PatchBaseline',
  'OpsItem',
  'OpsMetadata',
  'Automation',
  'Association',
] as const;

interface Tagged {
  Tags: SsmTag[];
}

function readTarget(checks: Checks, input: Input): { type: string; id: string } {
  const type = checks.string(input, 'ResourceType', 'resourceType', {
    required: true,
    values: RESOURCE_TYPES,
  });
  const id = checks.string(input, 'ResourceId', 'resourceId', { required: true });
  return { type: type ?? '', id: id ?? '' };
}

function resolve(ctx: AwsContext, { type, id }: { type: string; id: string }): Tagged {
  if (type === 'ManagedInstance') {
    const node = ctx.state.ssm.nodes[id];
    if (node) return node;
    if (/^i-[0-9a-f]+$/.test(id)) {
      throw ssmError('InvalidResourceType', `${id} is an EC2 instance, not a registered managed node`);
    }
  }
  throw ssmError('InvalidResourceId', `The resource ID ${id} isn't valid for resource type ${type}`);
}

export function addTagsToResource(ctx: AwsContext, input: Input): Record<string, never> {
  const checks = new Checks();
  const at = readTarget(checks, input);
  const tags = readTags(checks, input, 'Tags', 'tags', true);
  checks.done();
  const resource = resolve(ctx, at);
  resource.Tags = mergeTags(resource.Tags, tags);
  return {};
}

export function listTagsForResource(ctx: AwsContext, input: Input): { TagList: SsmTag[] } {
  const checks = new Checks();
  const at = readTarget(checks, input);
  checks.done();
  const resource = resolve(ctx, at);
  return { TagList: structuredClone(resource.Tags) };
}

export function removeTagsFromResource(ctx: AwsContext, input: Input): Record<string, never> {
  const checks = new Checks();
  const at = readTarget(checks, input);
  const keys = (checks.list(input, 'TagKeys', 'tagKeys', { required: true }) ?? []).map((k, i) => {
    checks.string({ k }, 'k', `tagKeys.${i + 1}.member`, { min: 1, max: 128, pattern: TAG_PATTERN });
    return String(k);
  });
  checks.done();
  const resource = resolve(ctx, at);
  resource.Tags = resource.Tags.filter((t) => !keys.includes(t.Key));
  return {};
}
