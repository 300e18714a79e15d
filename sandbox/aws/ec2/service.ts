import { authorize } from '../auth/authorize.js';
import type { AwsContext, Ec2Host } from '../context.js';
import { ec2Reply } from '../protocol/ec2.js';
import { listParam } from '../protocol/query.js';
import { el, items, txt } from '../protocol/xml.js';
import { AwsServiceError } from '../service-error.js';
import type { AwsRequest, HandledCall } from '../types.js';
import { matches, readFilters } from './filters.js';

/** EC2 DescribeInstances (EC2 Query protocol, version 2016-11-15), backed by the EC2-class sandbox hosts. */

function instanceXml(ctx: AwsContext, h: Ec2Host): string {
  return (
    txt('instanceId', h.instanceId) +
    txt('imageId', 'ami-0sandbox000000000') +
    el('instanceState', txt('code', 16) + txt('name', 'running')) +
    txt('privateDnsName', `ip-${h.privateIp.replace(/\./g, '-')}.ec2.internal`) +
    txt('dnsName', '') +
    txt('instanceType', 't3.micro') +
    txt('launchTime', h.launchTime) +
    el('placement', txt('availabilityZone', h.availabilityZone) + txt('tenancy', 'default')) +
    txt('subnetId', h.subnetId) +
    txt('vpcId', h.vpcId) +
    txt('privateIpAddress', h.privateIp) +
    txt('ipAddress', h.publicIp) +
    txt('architecture', 'x86_64') +
    txt('rootDeviceType', 'ebs') +
    el(
      'iamInstanceProfile',
      txt('arn', `arn:aws:iam::${ctx.accountId}:instance-profile/${ctx.instanceRole.name}`) +
        txt('id', 'AIPASANDBOXINSTANCEPROFILE'),
    ) +
    items('tagSet', [txt('key', 'Name') + txt('value', h.name)])
  );
}

function invalid(code: string, message: string): AwsServiceError {
  return new AwsServiceError(code, message, 400);
}

export function handleEc2(ctx: AwsContext, req: AwsRequest, params: Map<string, string>): HandledCall {
  const action = params.get('Action') ?? '';
  if (action !== 'DescribeInstances') {
    throw invalid('InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`);
  }
  authorize(ctx, 'ec2', req.principal, 'ec2:DescribeInstances', '*');
  const ids = listParam(params, 'InstanceId');
  const maxRaw = params.get('MaxResults');
  if (maxRaw !== undefined && ids.length > 0) {
    throw invalid(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  const max = maxRaw === undefined ? undefined : Number(maxRaw);
  if (max !== undefined && (!Number.isInteger(max) || max < 5 || max > 1000)) {
    throw invalid(
      'InvalidParameterValue',
      `Value ( ${maxRaw} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  }
  const hosts = ctx.ec2Hosts();
  for (const id of ids) {
    if (!/^i-[0-9a-f]{8,17}$/.test(id)) throw invalid('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    if (!hosts.some((h) => h.instanceId === id)) {
      throw invalid('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    }
  }
  const filters = readFilters(params);
  const selected = hosts.filter(
    (h) => (ids.length === 0 || ids.includes(h.instanceId)) && matches(h, filters),
  );
  const token = params.get('NextToken');
  const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw invalid('InvalidParameterValue', `Invalid NextToken: ${token}`);
  const page = max === undefined ? selected.slice(start) : selected.slice(start, start + max);
  const next = start + page.length;
  const reservations = page.map(
    (h) =>
      txt('reservationId', `r-${h.instanceId.slice(2)}`) +
      txt('ownerId', ctx.accountId) +
      el('groupSet', '') +
      items('instancesSet', [instanceXml(ctx, h)]),
  );
  const nextToken =
    max !== undefined && next < selected.length ? Buffer.from(String(next)).toString('base64') : undefined;
  return {
    operation: action,
    reply: ec2Reply(
      action,
      items('reservationSet', reservations) + txt('nextToken', nextToken),
      req.requestId,
    ),
    mutated: false,
  };
}
