import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AddTagsToResourceCommand,
  CreateActivationCommand,
  DeleteActivationCommand,
  DeregisterManagedInstanceCommand,
  DescribeActivationsCommand,
  DescribeInstanceInformationCommand,
  type DescribeInstanceInformationCommandInput,
  ListTagsForResourceCommand,
  RemoveTagsFromResourceCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../../sandbox/index.js';
import { awsFailure, clientConfig } from '../../support.js';
import { registerManagedInstance } from './register.js';

const HOUR = 3_600_000;
const START = Date.parse('2025-03-01T00:00:00Z');

describe('sandbox SSM API (JSON 1.1) through @aws-sdk/client-ssm', () => {
  let sb: Sandbox;
  let now = START;
  let ssm: SSMClient;
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 0, clock: () => now });
    ssm = new SSMClient(clientConfig(sb));
  });
  beforeEach(async () => {
    await sb.reset();
    now = START;
  });
  afterAll(() => sb.stop());

  const activate = (input: Partial<ConstructorParameters<typeof CreateActivationCommand>[0]> = {}) =>
    ssm.send(new CreateActivationCommand({ IamRole: 'SSMServiceRole', ...input }));

  async function registeredNode(input: Parameters<typeof activate>[0] = {}): Promise<string> {
    const activation = await activate(input);
    const { status, body } = await registerManagedInstance(sb, activation);
    expect(status).toBe(200);
    return body.InstanceId as string;
  }

  describe('CreateActivation / DescribeActivations / DeleteActivation', () => {
    it('creates an activation with AWS defaults: limit 1, expiry in 24 h; describes it without its code', async () => {
      const created = await activate({
        Description: 'fleet run',
        DefaultInstanceName: 'web',
        Tags: [{ Key: 'runner:run', Value: 'r-1' }],
      });
      expect(created.ActivationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(created.ActivationCode?.length).toBeGreaterThanOrEqual(20);
      const { ActivationList } = await ssm.send(new DescribeActivationsCommand({}));
      expect(ActivationList).toHaveLength(1);
      const a = ActivationList?.[0];
      expect(a).toMatchObject({
        ActivationId: created.ActivationId,
        Description: 'fleet run',
        DefaultInstanceName: 'web',
        IamRole: 'SSMServiceRole',
        RegistrationLimit: 1,
        RegistrationsCount: 0,
        Expired: false,
        Tags: [{ Key: 'runner:run', Value: 'r-1' }],
      });
      expect(a?.ExpirationDate?.getTime()).toBe(START + 24 * HOUR);
      expect(a?.CreatedDate?.getTime()).toBe(START);
      const code = created.ActivationCode as string;
      expect(JSON.stringify(ActivationList)).not.toContain(code);
      expect(JSON.stringify(sb.state())).not.toContain(code);
      expect(sb.issuedSecrets()).toContain(code);
    });

    it('takes a limit up to 1000 and an expiry up to 30 days ahead', async () => {
      const expiry = new Date(START + 30 * 24 * HOUR);
      const { ActivationId } = await activate({ RegistrationLimit: 1000, ExpirationDate: expiry });
      const { ActivationList } = await ssm.send(new DescribeActivationsCommand({}));
      expect(ActivationList?.[0]).toMatchObject({ ActivationId, RegistrationLimit: 1000 });
      expect(ActivationList?.[0].ExpirationDate?.getTime()).toBe(expiry.getTime());
    });

    it('refuses a missing role, a limit outside 1..1000 and a bad tag with ValidationException', async () => {
      expect(
        await awsFailure(ssm.send(new CreateActivationCommand({} as { IamRole: string }))),
      ).toMatchObject({
        name: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'iamRole' failed to satisfy constraint: Member must not be null",
      });
      expect(await awsFailure(activate({ RegistrationLimit: 0 }))).toMatchObject({
        name: 'ValidationException',
        status: 400,
        message:
          "1 validation error detected: Value '0' at 'registrationLimit' failed to satisfy constraint: Member must have value greater than or equal to 1",
      });
      const both = await awsFailure(
        activate({ RegistrationLimit: 1001, Tags: [{ Key: 'a#b', Value: 'v' }] }),
      );
      expect(both.name).toBe('ValidationException');
      expect(both.message).toMatch(/^2 validation errors detected: /);
      expect(both.message).toContain(
        "'registrationLimit' failed to satisfy constraint: Member must have value less than or equal to 1000",
      );
      expect(both.message).toContain(
        "at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern",
      );
      expect(await awsFailure(activate({ IamRole: 'r'.repeat(65) }))).toMatchObject({
        name: 'ValidationException',
      });
    });

    it('refuses an expiry in the past or more than 30 days ahead, and a service-linked role, with InvalidParameters', async () => {
      for (const ExpirationDate of [new Date(START - 1000), new Date(START + 30 * 24 * HOUR + 1000)]) {
        expect(await awsFailure(activate({ ExpirationDate }))).toMatchObject({
          name: 'InvalidParameters',
          status: 400,
        });
      }
      expect(
        await awsFailure(
          activate({ IamRole: 'aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM' }),
        ),
      ).toMatchObject({ name: 'InvalidParameters' });
      expect((await ssm.send(new DescribeActivationsCommand({}))).ActivationList).toEqual([]);
    });

    it('filters by ActivationIds, DefaultInstanceName and IamRole, and pages with NextToken', async () => {
      const ids: string[] = [];
      for (const [i, role] of ['RoleA', 'RoleB', 'RoleA'].entries()) {
        now = START + i;
        ids.push((await activate({ IamRole: role, DefaultInstanceName: `n${i}` })).ActivationId as string);
      }
      const byRole = await ssm.send(
        new DescribeActivationsCommand({ Filters: [{ FilterKey: 'IamRole', FilterValues: ['RoleA'] }] }),
      );
      expect(byRole.ActivationList?.map((a) => a.ActivationId)).toEqual([ids[0], ids[2]]);
      const byName = await ssm.send(
        new DescribeActivationsCommand({
          Filters: [{ FilterKey: 'DefaultInstanceName', FilterValues: ['n1'] }],
        }),
      );
      expect(byName.ActivationList?.map((a) => a.ActivationId)).toEqual([ids[1]]);
      const byId = await ssm.send(
        new DescribeActivationsCommand({ Filters: [{ FilterKey: 'ActivationIds', FilterValues: [ids[2]] }] }),
      );
      expect(byId.ActivationList?.map((a) => a.ActivationId)).toEqual([ids[2]]);
      const first = await ssm.send(new DescribeActivationsCommand({ MaxResults: 2 }));
      expect(first.ActivationList?.map((a) => a.ActivationId)).toEqual(ids.slice(0, 2));
      expect(first.NextToken).toBeTruthy();
      const second = await ssm.send(
        new DescribeActivationsCommand({ MaxResults: 2, NextToken: first.NextToken }),
      );
      expect(second.ActivationList?.map((a) => a.ActivationId)).toEqual([ids[2]]);
      expect(second.NextToken).toBeUndefined();
    });

    it('refuses a bad NextToken (InvalidNextToken), a bad filter key and MaxResults out of 1..50 (ValidationException)', async () => {
      expect(
        await awsFailure(ssm.send(new DescribeActivationsCommand({ NextToken: 'not-a-token' }))),
      ).toMatchObject({ name: 'InvalidNextToken' });
      expect(
        await awsFailure(
          ssm.send(
            new DescribeActivationsCommand({
              Filters: [{ FilterKey: 'Tags' as 'IamRole', FilterValues: ['x'] }],
            }),
          ),
        ),
      ).toMatchObject({ name: 'ValidationException' });
      expect(await awsFailure(ssm.send(new DescribeActivationsCommand({ MaxResults: 51 })))).toMatchObject({
        name: 'ValidationException',
      });
    });

    it('deletes an activation; an unknown one is InvalidActivationId, a malformed ID a ValidationException', async () => {
      const { ActivationId } = await activate();
      await ssm.send(new DeleteActivationCommand({ ActivationId }));
      expect((await ssm.send(new DescribeActivationsCommand({}))).ActivationList).toEqual([]);
      expect(await awsFailure(ssm.send(new DeleteActivationCommand({ ActivationId })))).toMatchObject({
        name: 'InvalidActivationId',
        status: 400,
      });
      expect(await awsFailure(ssm.send(new DeleteActivationCommand({ ActivationId: 'nope' })))).toMatchObject(
        { name: 'ValidationException' },
      );
    });

    it('reports expiry on the sandbox clock in DescribeActivations', async () => {
      await activate({ ExpirationDate: new Date(START + HOUR) });
      now = START + HOUR;
      const { ActivationList } = await ssm.send(new DescribeActivationsCommand({}));
      expect(ActivationList?.[0].Expired).toBe(true);
    });
  });

  describe("RegisterManagedInstance (the agent's anonymous call)", () => {
    it('registers an mi- node, counts it against the activation, and copies the activation tags to it', async () => {
      const activation = await activate({ RegistrationLimit: 2, Tags: [{ Key: 'team', Value: 'ops' }] });
      const { status, body } = await registerManagedInstance(sb, activation);
      expect(status).toBe(200);
      expect(body.InstanceId).toMatch(/^mi-[0-9a-f]{17}$/);
      const { ActivationList } = await ssm.send(new DescribeActivationsCommand({}));
      expect(ActivationList?.[0].RegistrationsCount).toBe(1);
      const tags = await ssm.send(
        new ListTagsForResourceCommand({
          ResourceType: 'ManagedInstance',
          ResourceId: body.InstanceId as string,
        }),
      );
      expect(tags.TagList).toEqual([{ Key: 'team', Value: 'ops' }]);
    });

    it('refuses a wrong code, an expired activation and a reached limit with InvalidActivation', async () => {
      const activation = await activate({ ExpirationDate: new Date(START + HOUR) });
      const wrong = await registerManagedInstance(sb, { ...activation, ActivationCode: 'x'.repeat(20) });
      expect(wrong).toMatchObject({ status: 400, body: { __type: 'InvalidActivation' } });
      expect((await registerManagedInstance(sb, activation)).status).toBe(200);
      const full = await registerManagedInstance(sb, activation);
      expect(full).toMatchObject({ status: 400, body: { __type: 'InvalidActivation' } });
      expect(String(full.body.message)).toContain('Registration limit of 1 reached');
      const later = await activate({ ExpirationDate: new Date(START + HOUR) });
      now = START + HOUR;
      const expired = await registerManagedInstance(sb, later);
      expect(expired).toMatchObject({ status: 400, body: { __type: 'InvalidActivation' } });
      expect(String(expired.body.message)).toContain('has expired');
      const deleted = await activate();
      await ssm.send(new DeleteActivationCommand({ ActivationId: deleted.ActivationId }));
      expect((await registerManagedInstance(sb, deleted)).body.__type).toBe('InvalidActivation');
    });

    it('validates its input: a malformed activation ID or a short code is a ValidationException', async () => {
      const activation = await activate();
      expect((await registerManagedInstance(sb, { ...activation, ActivationId: 'nope' })).body.__type).toBe(
        'ValidationException',
      );
      expect(
        (await registerManagedInstance(sb, { ...activation, ActivationCode: 'short' })).body.__type,
      ).toBe('ValidationException');
    });

    it('follows the fault knobs: activation expired, limit reached, one host refused', async () => {
      const a = await activate({ RegistrationLimit: 10 });
      const b = await activate({ RegistrationLimit: 10 });
      sb.setFaults({ ssmExpireActivations: [a.ActivationId as string] });
      expect(String((await registerManagedInstance(sb, a)).body.message)).toContain('has expired');
      expect((await registerManagedInstance(sb, b)).status).toBe(200);
      const listed = (await ssm.send(new DescribeActivationsCommand({}))).ActivationList ?? [];
      expect(listed.map((x) => x.Expired)).toEqual([true, false]);
      sb.setFaults({ ssmExpireActivations: 'all' });
      expect(String((await registerManagedInstance(sb, b)).body.message)).toContain('has expired');
      sb.setFaults({ ssmExpireActivations: [], ssmLimitReached: 'all' });
      expect(String((await registerManagedInstance(sb, b)).body.message)).toContain('Registration limit');
      sb.setFaults({ ssmLimitReached: [], ssmRefuseRegistration: ['host-02'] });
      const refused = await registerManagedInstance(sb, b, 'host-02');
      expect(refused).toMatchObject({ status: 400, body: { __type: 'InvalidActivation' } });
      expect(String(refused.body.message)).toContain('host-02');
      expect((await registerManagedInstance(sb, b, 'host-03')).status).toBe(200);
    });
  });

  describe('DescribeInstanceInformation', () => {
    it('lists registered nodes with the fields AWS gives a hybrid node', async () => {
      const id = await registeredNode({ DefaultInstanceName: 'web', IamRole: 'HybridRole' });
      const { InstanceInformationList } = await ssm.send(new DescribeInstanceInformationCommand({}));
      expect(InstanceInformationList).toHaveLength(1);
      expect(InstanceInformationList?.[0]).toMatchObject({
        InstanceId: id,
        PingStatus: 'Online',
        ResourceType: 'ManagedInstance',
        PlatformType: 'Linux',
        IamRole: 'HybridRole',
        Name: 'web',
        SourceType: 'AWS::SSM::ManagedInstance',
      });
      expect(InstanceInformationList?.[0].RegistrationDate?.getTime()).toBe(START);
    });

    it('filters by InstanceIds, ActivationIds, PingStatus, tag:Key and tag-key, in Filters and the legacy list', async () => {
      const a = await registeredNode({ Tags: [{ Key: 'env', Value: 'prod' }] });
      const b = await registeredNode({ Tags: [{ Key: 'env', Value: 'test' }] });
      const ids = async (input: DescribeInstanceInformationCommandInput) =>
        (await ssm.send(new DescribeInstanceInformationCommand(input))).InstanceInformationList?.map(
          (i) => i.InstanceId,
        );
      expect(await ids({ Filters: [{ Key: 'InstanceIds', Values: [b] }] })).toEqual([b]);
      expect(await ids({ Filters: [{ Key: 'tag:env', Values: ['prod'] }] })).toEqual([a]);
      expect(await ids({ Filters: [{ Key: 'tag-key', Values: ['env'] }] })).toEqual([a, b]);
      expect(await ids({ Filters: [{ Key: 'PingStatus', Values: ['ConnectionLost'] }] })).toEqual([]);
      expect(
        await ids({
          Filters: [
            { Key: 'PingStatus', Values: ['Online'] },
            { Key: 'tag:env', Values: ['test'] },
          ],
        }),
      ).toEqual([b]);
      const activationOfA = (
        await ssm.send(
          new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [a] }] }),
        )
      ).InstanceInformationList?.[0].ActivationId as string;
      expect(
        await ids({ InstanceInformationFilterList: [{ key: 'ActivationIds', valueSet: [activationOfA] }] }),
      ).toEqual([a]);
      expect(
        await ids({ InstanceInformationFilterList: [{ key: 'InstanceIds', valueSet: [a, b] }] }),
      ).toEqual([a, b]);
    });

    it('refuses an unknown key (InvalidFilterKey), a bad value (InvalidInstanceInformationFilterValue), an unknown node (InvalidInstanceId)', async () => {
      await registeredNode();
      expect(
        await awsFailure(
          ssm.send(new DescribeInstanceInformationCommand({ Filters: [{ Key: 'Color', Values: ['red'] }] })),
        ),
      ).toMatchObject({ name: 'InvalidFilterKey', status: 400 });
      expect(
        await awsFailure(
          ssm.send(
            new DescribeInstanceInformationCommand({
              Filters: [{ Key: 'PingStatus', Values: ['Sleeping'] }],
            }),
          ),
        ),
      ).toMatchObject({ name: 'InvalidInstanceInformationFilterValue' });
      expect(
        await awsFailure(
          ssm.send(
            new DescribeInstanceInformationCommand({
              Filters: [{ Key: 'InstanceIds', Values: ['mi-0123456789abcdef0'] }],
            }),
          ),
        ),
      ).toMatchObject({ name: 'InvalidInstanceId' });
      expect(
        await awsFailure(
          ssm.send(
            new DescribeInstanceInformationCommand({
              InstanceInformationFilterList: [{ key: 'Color' as 'InstanceIds', valueSet: ['x'] }],
            }),
          ),
        ),
      ).toMatchObject({ name: 'ValidationException' });
      expect(
        await awsFailure(
          ssm.send(
            new DescribeInstanceInformationCommand({
              InstanceInformationFilterList: [{ key: 'PingStatus', valueSet: ['Online'] }],
              Filters: [{ Key: 'PingStatus', Values: ['Online'] }],
            }),
          ),
        ),
      ).toMatchObject({ name: 'ValidationException' });
    });

    it('pages with MaxResults 5..50 and NextToken; a bad token is InvalidNextToken', async () => {
      const activation = await activate({ RegistrationLimit: 6 });
      const all: string[] = [];
      for (let i = 0; i < 6; i++) {
        now = START + i;
        all.push((await registerManagedInstance(sb, activation)).body.InstanceId as string);
      }
      const first = await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
      expect(first.InstanceInformationList?.map((i) => i.InstanceId)).toEqual(all.slice(0, 5));
      const second = await ssm.send(
        new DescribeInstanceInformationCommand({ MaxResults: 5, NextToken: first.NextToken }),
      );
      expect(second.InstanceInformationList?.map((i) => i.InstanceId)).toEqual([all[5]]);
      expect(second.NextToken).toBeUndefined();
      expect(
        await awsFailure(ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 4 }))),
      ).toMatchObject({
        name: 'ValidationException',
        message:
          "1 validation error detected: Value '4' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 5",
      });
      const foreign = (await ssm.send(new DescribeActivationsCommand({ MaxResults: 1 }))).NextToken;
      expect(foreign).toBeUndefined();
      expect(
        await awsFailure(ssm.send(new DescribeInstanceInformationCommand({ NextToken: 'eyJvcCI6IngifQ' }))),
      ).toMatchObject({ name: 'InvalidNextToken' });
    });
  });

  describe('tags on managed nodes', () => {
    it('adds, overwrites, lists and removes tags', async () => {
      const id = await registeredNode();
      const target = { ResourceType: 'ManagedInstance' as const, ResourceId: id };
      await ssm.send(
        new AddTagsToResourceCommand({
          ...target,
          Tags: [
            { Key: 'a', Value: '1' },
            { Key: 'b', Value: '2' },
          ],
        }),
      );
      await ssm.send(new AddTagsToResourceCommand({ ...target, Tags: [{ Key: 'a', Value: '3' }] }));
      expect((await ssm.send(new ListTagsForResourceCommand(target))).TagList).toEqual([
        { Key: 'a', Value: '3' },
        { Key: 'b', Value: '2' },
      ]);
      await ssm.send(new RemoveTagsFromResourceCommand({ ...target, TagKeys: ['a'] }));
      expect((await ssm.send(new ListTagsForResourceCommand(target))).TagList).toEqual([
        { Key: 'b', Value: '2' },
      ]);
    });

    it('refuses more than 50 tags on a node (TooManyTagsError) and changes nothing', async () => {
      const id = await registeredNode();
      const target = { ResourceType: 'ManagedInstance' as const, ResourceId: id };
      const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      expect(
        await awsFailure(ssm.send(new AddTagsToResourceCommand({ ...target, Tags: tags }))),
      ).toMatchObject({
        name: 'TooManyTagsError',
      });
      expect((await ssm.send(new ListTagsForResourceCommand(target))).TagList).toEqual([]);
      await ssm.send(new AddTagsToResourceCommand({ ...target, Tags: tags.slice(0, 50) }));
      expect((await ssm.send(new ListTagsForResourceCommand(target))).TagList).toHaveLength(50);
    });

    it('refuses an unknown node (InvalidResourceId), an EC2 instance (InvalidResourceType), a type outside the enum (ValidationException)', async () => {
      expect(
        await awsFailure(
          ssm.send(
            new ListTagsForResourceCommand({
              ResourceType: 'ManagedInstance',
              ResourceId: 'mi-0123456789abcdef0',
            }),
          ),
        ),
      ).toMatchObject({ name: 'InvalidResourceId' });
      expect(
        await awsFailure(
          ssm.send(
            new ListTagsForResourceCommand({
              ResourceType: 'ManagedInstance',
              ResourceId: 'i-0123456789abcdef0',
            }),
          ),
        ),
      ).toMatchObject({ name: 'InvalidResourceType' });
      const { ActivationId } = await activate();
      expect(
        await awsFailure(
          ssm.send(
            new ListTagsForResourceCommand({
              ResourceType: 'Activation' as 'ManagedInstance',
              ResourceId: ActivationId,
            }),
          ),
        ),
      ).toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('DeregisterManagedInstance', () => {
    it('removes the node; again is InvalidInstanceId; a malformed ID is a ValidationException', async () => {
      const id = await registeredNode();
      await ssm.send(new DeregisterManagedInstanceCommand({ InstanceId: id }));
      expect((await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList).toEqual(
        [],
      );
      expect(
        await awsFailure(ssm.send(new DeregisterManagedInstanceCommand({ InstanceId: id }))),
      ).toMatchObject({
        name: 'InvalidInstanceId',
      });
      expect(
        await awsFailure(ssm.send(new DeregisterManagedInstanceCommand({ InstanceId: 'i-0123' }))),
      ).toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('authentication and authorization', () => {
    let iam: IAMClient;
    beforeAll(() => {
      iam = new IAMClient(clientConfig(sb));
    });

    async function userWith(name: string, actions: string[]) {
      await iam.send(new CreateUserCommand({ UserName: name }));
      if (actions.length > 0) {
        await iam.send(
          new PutUserPolicyCommand({
            UserName: name,
            PolicyName: 'p',
            PolicyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
            }),
          }),
        );
      }
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      return new SSMClient(
        clientConfig(sb, {
          accessKeyId: AccessKey?.AccessKeyId as string,
          secretAccessKey: AccessKey?.SecretAccessKey as string,
        }),
      );
    }

    it('needs ssm:<Action>, and iam:PassRole on the role for CreateActivation', async () => {
      const bare = await userWith('bare', []);
      expect(await awsFailure(bare.send(new DescribeActivationsCommand({})))).toMatchObject({
        name: 'AccessDeniedException',
        status: 400,
      });
      const ssmOnly = await userWith('ssm-only', ['ssm:*']);
      expect((await ssmOnly.send(new DescribeActivationsCommand({}))).ActivationList).toEqual([]);
      const denied = await awsFailure(
        ssmOnly.send(new CreateActivationCommand({ IamRole: 'SSMServiceRole' })),
      );
      expect(denied.name).toBe('AccessDeniedException');
      expect(denied.message).toContain(
        `iam:PassRole on resource: arn:aws:iam::${sb.accountId}:role/SSMServiceRole`,
      );
      const both = await userWith('ssm-and-pass', ['ssm:*', 'iam:PassRole']);
      expect(
        (await both.send(new CreateActivationCommand({ IamRole: 'SSMServiceRole' }))).ActivationId,
      ).toBeTruthy();
    });

    it("refuses unsigned calls other than the agent's RegisterManagedInstance, and unknown keys", async () => {
      const response = await fetch(`${sb.endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AmazonSSM.DescribeActivations',
        },
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { __type: string }).__type).toBe(
        'MissingAuthenticationTokenException',
      );
      const stranger = new SSMClient(
        clientConfig(sb, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) }),
      );
      expect(await awsFailure(stranger.send(new DescribeActivationsCommand({})))).toMatchObject({
        name: 'UnrecognizedClientException',
      });
    });
  });
});
