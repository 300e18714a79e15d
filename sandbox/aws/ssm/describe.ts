import type { SsmNode } from '../../state/model.js';
import type { AwsContext } from '../context.js';
import { page } from './page.js';
import { pingStatus } from './ping.js';
import { asObject, Checks, type Input, ssmError } from './validate.js';

/** DescribeInstanceInformation: the managed nodes, with the Filters (or legacy InstanceInformationFilterList) AWS defines. */

/** The agent version the sandbox's fake agent reports. */
export const AGENT_VERSION = '3.3.1142.0';

const LEGACY_KEYS = [
  'InstanceIds',
  'AgentVersion',
  'PingStatus',
  'PlatformTypes',
  'ActivationIds',
  'IamRole',
  'ResourceType',
  'AssociationStatus',
] as const;
const STRING_KEYS = [...LEGACY_KEYS, 'SourceIds', 'SourceTypes', 'tag-key'];

/** Values a key accepts (others: InvalidInstanceInformationFilterValue). */
const ALLOWED: Record<string, readonly string[]> = {
  PingStatus: ['Online', 'ConnectionLost', 'Inactive'],
  PlatformTypes: ['Windows', 'Linux', 'MacOS'],
  ResourceType: ['EC2Instance', 'ManagedInstance'],
  AssociationStatus: ['Success', 'Pending', 'Failed'],
  SourceTypes: ['AWS::EC2::Instance', 'AWS::SSM::ManagedInstance', 'AWS::IoT::Thing'],
};

interface Filter {
  key: string;
  values: string[];
}

function readFilters(checks: Checks, input: Input): { filters: Filter[]; legacy: boolean } {
  const legacyList = checks.list(input, 'InstanceInformationFilterList', 'instanceInformationFilterList', {
    min: 0,
  });
  const stringList = checks.list(input, 'Filters', 'filters', { min: 0 });
  const read = (list: unknown[], path: string, keyName: string, valuesName: string, legacy: boolean) =>
    list.map((raw, i) => {
      const f = asObject(raw, 'filter');
      const at = `${path}.${i + 1}.member`;
      const key = checks.string(f, keyName, `${at}.${keyName}`, {
        required: true,
        ...(legacy ? { values: LEGACY_KEYS } : { min: 1 }),
      });
      const values = checks.list(f, valuesName, `${at}.${legacy ? 'valueSet' : 'values'}`, {
        required: true,
        min: 1,
        max: 100,
      });
      return { key: key ?? '', values: (values ?? []).map(String) };
    });
  const legacy = read(legacyList ?? [], 'instanceInformationFilterList', 'key', 'valueSet', true);
  const strings = read(stringList ?? [], 'filters', 'Key', 'Values', false);
  return {
    filters: [...legacy, ...strings],
    legacy: (legacyList?.length ?? 0) > 0 && (stringList?.length ?? 0) > 0,
  };
}

export function informationShape(ctx: AwsContext, node: SsmNode): Record<string, unknown> {
  const ping = pingStatus(ctx, node);
  const os = ctx.reportedOs;
  return {
    InstanceId: node.InstanceId,
    PingStatus: ping,
    LastPingDateTime: (ping === 'Online' ? ctx.clock() : node.RegistrationDate) / 1000,
    AgentVersion: AGENT_VERSION,
    IsLatestVersion: true,
    PlatformType: 'Linux',
    PlatformName: os.Name,
    PlatformVersion: os.Version,
    ActivationId: node.ActivationId,
    IamRole: node.IamRole,
    RegistrationDate: node.RegistrationDate / 1000,
    ResourceType: 'ManagedInstance',
    ...(node.Name ? { Name: node.Name } : {}),
    ...(node.IPAddress ? { IPAddress: node.IPAddress } : {}),
    ...(node.ComputerName ? { ComputerName: node.ComputerName } : {}),
    SourceId: node.InstanceId,
    SourceType: 'AWS::SSM::ManagedInstance',
  };
}

function fieldOf(shape: Record<string, unknown>, node: SsmNode, key: string): string[] {
  switch (key) {
    case 'InstanceIds':
      return [node.InstanceId];
    case 'AgentVersion':
      return [AGENT_VERSION];
    case 'PingStatus':
      return [String(shape.PingStatus)];
    case 'PlatformTypes':
      return ['Linux'];
    case 'ActivationIds':
      return [node.ActivationId];
    case 'IamRole':
      return [node.IamRole];
    case 'ResourceType':
      return ['ManagedInstance'];
    case 'AssociationStatus':
      return [];
    case 'SourceIds':
      return [node.InstanceId];
    case 'SourceTypes':
      return ['AWS::SSM::ManagedInstance'];
    case 'tag-key':
      return node.Tags.map((t) => t.Key);
    default:
      // tag:<key> matches the tag's value.
      return node.Tags.filter((t) => t.Key === key.slice(4)).map((t) => t.Value);
  }
}

export function describeInstanceInformation(
  ctx: AwsContext,
  input: Input,
): { InstanceInformationList: unknown[]; NextToken?: string } {
  const checks = new Checks();
  const MaxResults = checks.integer(input, 'MaxResults', 'maxResults', { min: 5, max: 50 });
  const token = checks.string(input, 'NextToken', 'nextToken');
  const { filters, legacy: both } = readFilters(checks, input);
  checks.done();
  if (both) {
    throw ssmError(
      'ValidationException',
      'InstanceInformationFilterList and Filters cannot be used together; use Filters',
    );
  }
  for (const f of filters) {
    if (!STRING_KEYS.includes(f.key) && !(f.key.startsWith('tag:') && f.key.length > 4)) {
      throw ssmError('InvalidFilterKey', `The filter key ${f.key} isn't valid`);
    }
    const allowed = ALLOWED[f.key];
    const bad = allowed ? f.values.find((v) => !allowed.includes(v)) : undefined;
    if (bad !== undefined) {
      throw ssmError(
        'InvalidInstanceInformationFilterValue',
        `The filter value ${bad} isn't valid for ${f.key}: use ${allowed?.join(', ')}`,
      );
    }
    if (f.key === 'InstanceIds') {
      const unknown = f.values.find((id) => !ctx.state.ssm.nodes[id]);
      if (unknown !== undefined) {
        throw ssmError('InvalidInstanceId', `Instance ${unknown} is not a managed instance of this account`);
      }
    }
  }
  // Registration order (the records' insertion order, kept by the state file too).
  const shaped = Object.values(ctx.state.ssm.nodes)
    .map((node) => ({ node, shape: informationShape(ctx, node) }))
    .filter(({ node, shape }) =>
      filters.every((f) => fieldOf(shape, node, f.key).some((v) => f.values.includes(v))),
    );
  const { items, NextToken } = page(shaped, 'DescribeInstanceInformation', MaxResults ?? 50, token);
  return { InstanceInformationList: items.map((i) => i.shape), ...(NextToken ? { NextToken } : {}) };
}
