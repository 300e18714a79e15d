import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addressOf,
  findInstance,
  inStackNetwork,
  lookupRequests,
  pickOne,
  targetKind,
} from '../../../plugins/infra-ec2/lookup.js';

const ec2 = mockClient(EC2Client);
afterEach(() => ec2.reset());
const client = () =>
  new EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const inst = (over: Partial<Instance>): Instance => ({ InstanceId: 'i-0aaa', VpcId: 'vpc-1', ...over });
const reply = (...instances: Instance[]) => ({ Reservations: [{ Instances: instances }] });

describe('target kinds and requests', () => {
  it('classifies IDs, IPs and names', () => {
    expect(targetKind('i-0abc123')).toBe('instance-id');
    expect(targetKind('10.0.0.1')).toBe('ip');
    expect(targetKind('web-01')).toBe('name-tag');
    expect(targetKind('i-XYZ')).toBe('name-tag');
  });
  it('filters vpc-id when the stack has one', () => {
    expect(lookupRequests('web', 'vpc-1')).toEqual([
      {
        Filters: [
          { Name: 'vpc-id', Values: ['vpc-1'] },
          { Name: 'tag:Name', Values: ['web'] },
        ],
      },
    ]);
    expect(lookupRequests('10.0.0.1', undefined)).toEqual([
      { Filters: [{ Name: 'private-ip-address', Values: ['10.0.0.1'] }] },
      { Filters: [{ Name: 'ip-address', Values: ['10.0.0.1'] }] },
    ]);
    expect(lookupRequests('i-0abc', 'vpc-1')).toEqual([
      { InstanceIds: ['i-0abc'], Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }] },
    ]);
  });
  it('a stack without a VPC keeps only instances without one', () => {
    const list = [inst({ InstanceId: 'i-1' }), inst({ InstanceId: 'i-2', VpcId: undefined })];
    expect(inStackNetwork(list, undefined).map((i) => i.InstanceId)).toEqual(['i-2']);
    expect(inStackNetwork(list, 'vpc-1').map((i) => i.InstanceId)).toEqual(['i-1']);
  });
  it('none and several are refused, naming the target and the IDs', () => {
    expect(pickOne('web', [])).toEqual({ ok: false, reason: 'Did not find any instance matching web.' });
    expect(pickOne('web', [inst({ InstanceId: 'i-1' }), inst({ InstanceId: 'i-2' })])).toEqual({
      ok: false,
      reason: 'Found multiple instances matching web: i-1, i-2.',
    });
  });
  it('address: public, else private with a warning', () => {
    expect(addressOf(inst({ PublicIpAddress: '1.2.3.4', PrivateIpAddress: '10.0.0.1' }))).toEqual({
      address: '1.2.3.4',
    });
    const priv = addressOf(inst({ PrivateIpAddress: '10.0.0.1' }));
    expect(priv.address).toBe('10.0.0.1');
    expect(priv.warning).toMatch(/does not have a public IP address/);
  });
});

describe('findInstance with the SDK (mocked)', () => {
  it('by ID', async () => {
    ec2
      .on(DescribeInstancesCommand, { InstanceIds: ['i-0abc'] })
      .resolves(reply(inst({ InstanceId: 'i-0abc' })));
    const r = await findInstance(client(), 'i-0abc', 'vpc-1');
    expect(r).toMatchObject({ ok: true, instance: { InstanceId: 'i-0abc' } });
  });
  it('by private IP, then public IP', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce(reply())
      .resolvesOnce(reply(inst({ InstanceId: 'i-pub', PublicIpAddress: '198.51.100.7' })));
    const r = await findInstance(client(), '198.51.100.7', 'vpc-1');
    expect(r).toMatchObject({ ok: true, instance: { InstanceId: 'i-pub' } });
    const calls = ec2.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input.Filters);
    expect(calls[0]).toContainEqual({ Name: 'private-ip-address', Values: ['198.51.100.7'] });
    expect(calls[1]).toContainEqual({ Name: 'ip-address', Values: ['198.51.100.7'] });
  });
  it('by Name tag, with pagination', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({ ...reply(), NextToken: 't1' })
      .resolvesOnce(reply(inst({ InstanceId: 'i-web' })));
    expect(await findInstance(client(), 'web', 'vpc-1')).toMatchObject({
      ok: true,
      instance: { InstanceId: 'i-web' },
    });
  });
  it('a VPC-less stack ignores instances in a VPC', async () => {
    ec2.on(DescribeInstancesCommand).resolves(reply(inst({ InstanceId: 'i-vpc' })));
    expect(await findInstance(client(), 'web', undefined)).toEqual({
      ok: false,
      reason: 'Did not find any instance matching web.',
    });
  });
  it('several matches are refused', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolves(reply(inst({ InstanceId: 'i-1' }), inst({ InstanceId: 'i-2' })));
    expect(await findInstance(client(), 'web', 'vpc-1')).toEqual({
      ok: false,
      reason: 'Found multiple instances matching web: i-1, i-2.',
    });
  });
  it('an unknown ID is "not found", not an error', async () => {
    const error = Object.assign(new Error('The instance ID does not exist'), {
      name: 'InvalidInstanceID.NotFound',
    });
    ec2.on(DescribeInstancesCommand).rejects(error);
    expect(await findInstance(client(), 'i-0dead', 'vpc-1')).toEqual({
      ok: false,
      reason: 'Did not find any instance matching i-0dead.',
    });
  });
});
