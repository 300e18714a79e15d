import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/index.js';
import { awsFailure, clientConfig } from '../support.js';

const REGISTRATION = 'arn:aws:iam::aws:policy/AWSOpsWorksInstanceRegistration';

describe('sandbox IAM API (Query protocol) through @aws-sdk/client-iam', () => {
  let sb: Sandbox;
  let iam: IAMClient;
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 0 });
    iam = new IAMClient(clientConfig(sb));
  });
  afterAll(() => sb.stop());

  it('creates a group and a user with a path, as the register flow does', async () => {
    const { Group } = await iam.send(
      new CreateGroupCommand({ GroupName: 'OpsWorks-abc', Path: '/AWS/OpsWorks/' }),
    );
    expect(Group).toMatchObject({
      GroupName: 'OpsWorks-abc',
      Path: '/AWS/OpsWorks/',
      Arn: `arn:aws:iam::${sb.accountId}:group/AWS/OpsWorks/OpsWorks-abc`,
    });
    expect(await awsFailure(iam.send(new CreateGroupCommand({ GroupName: 'opsworks-ABC' })))).toMatchObject({
      name: 'EntityAlreadyExistsException',
      status: 409,
    });
    const { User } = await iam.send(
      new CreateUserCommand({ UserName: 'OpsWorks-stack-host1', Path: '/AWS/OpsWorks/' }),
    );
    expect(User?.Arn).toBe(`arn:aws:iam::${sb.accountId}:user/AWS/OpsWorks/OpsWorks-stack-host1`);
    expect(User?.CreateDate).toBeInstanceOf(Date);
    expect(
      await awsFailure(iam.send(new CreateUserCommand({ UserName: 'OpsWorks-stack-host1' }))),
    ).toMatchObject({
      name: 'EntityAlreadyExistsException',
    });
    expect(await awsFailure(iam.send(new CreateUserCommand({ UserName: 'bad name!' })))).toMatchObject({
      name: 'ValidationError',
    });
    expect((await iam.send(new GetUserCommand({ UserName: 'OpsWorks-stack-host1' }))).User?.Path).toBe(
      '/AWS/OpsWorks/',
    );
    expect(await awsFailure(iam.send(new GetUserCommand({ UserName: 'ghost' })))).toMatchObject({
      name: 'NoSuchEntityException',
      status: 404,
    });
    const listed = await iam.send(new ListUsersCommand({ PathPrefix: '/AWS/OpsWorks/' }));
    expect(listed.Users?.map((u) => u.UserName)).toEqual(['OpsWorks-stack-host1']);
    expect((await iam.send(new ListGroupsCommand({}))).Groups?.map((g) => g.GroupName)).toEqual([
      'OpsWorks-abc',
    ]);
  });

  it('manages membership, policies and keys, and refuses to delete a user that still has them', async () => {
    const UserName = 'OpsWorks-stack-host1';
    await iam.send(new AddUserToGroupCommand({ UserName, GroupName: 'OpsWorks-abc' }));
    expect(
      (await iam.send(new GetGroupCommand({ GroupName: 'OpsWorks-abc' }))).Users?.map((u) => u.UserName),
    ).toEqual([UserName]);
    expect((await iam.send(new ListGroupsForUserCommand({ UserName }))).Groups?.[0]?.GroupName).toBe(
      'OpsWorks-abc',
    );
    await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: REGISTRATION }));
    expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName }))).AttachedPolicies).toEqual([
      { PolicyName: 'AWSOpsWorksInstanceRegistration', PolicyArn: REGISTRATION },
    ]);
    expect(
      await awsFailure(
        iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: 'arn:aws:iam::aws:policy/Nope' })),
      ),
    ).toMatchObject({ name: 'NoSuchEntityException' });
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'opsworks:RegisterInstance', Resource: '*' }],
    });
    await iam.send(
      new PutUserPolicyCommand({ UserName, PolicyName: 'OpsWorks-Instance', PolicyDocument: document }),
    );
    const got = await iam.send(new GetUserPolicyCommand({ UserName, PolicyName: 'OpsWorks-Instance' }));
    expect(JSON.parse(decodeURIComponent(got.PolicyDocument ?? ''))).toEqual(JSON.parse(document));
    expect((await iam.send(new ListUserPoliciesCommand({ UserName }))).PolicyNames).toEqual([
      'OpsWorks-Instance',
    ]);
    expect(
      await awsFailure(
        iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'x', PolicyDocument: '{"not":1}' })),
      ),
    ).toMatchObject({ name: 'MalformedPolicyDocumentException' });
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName }));
    expect(AccessKey?.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(AccessKey?.SecretAccessKey).toHaveLength(40);
    await iam.send(new CreateAccessKeyCommand({ UserName }));
    expect(await awsFailure(iam.send(new CreateAccessKeyCommand({ UserName })))).toMatchObject({
      name: 'LimitExceededException',
    });
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata ?? [];
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toHaveProperty('SecretAccessKey');

    const conflict = async () => awsFailure(iam.send(new DeleteUserCommand({ UserName })));
    expect(await conflict()).toMatchObject({ name: 'DeleteConflictException', status: 409 });
    for (const k of keys)
      await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: k.AccessKeyId }));
    expect((await conflict()).message).toContain('policies');
    await iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: REGISTRATION }));
    await iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: 'OpsWorks-Instance' }));
    expect((await conflict()).message).toContain('group');
    expect(await awsFailure(iam.send(new DeleteGroupCommand({ GroupName: 'OpsWorks-abc' })))).toMatchObject({
      name: 'DeleteConflictException',
    });
    await iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName: 'OpsWorks-abc' }));
    await iam.send(new DeleteUserCommand({ UserName }));
    await iam.send(new DeleteGroupCommand({ GroupName: 'OpsWorks-abc' }));
    expect(sb.state().iam).toEqual({ users: [], groups: [] });
  });

  it('paginates ListUsers with MaxItems and Marker', async () => {
    for (let i = 0; i < 5; i++) await iam.send(new CreateUserCommand({ UserName: `page-${i}` }));
    const first = await iam.send(new ListUsersCommand({ MaxItems: 2 }));
    expect(first.IsTruncated).toBe(true);
    const names = [...(first.Users ?? [])];
    let marker = first.Marker;
    while (marker) {
      const next = await iam.send(new ListUsersCommand({ MaxItems: 2, Marker: marker }));
      names.push(...(next.Users ?? []));
      marker = next.IsTruncated ? next.Marker : undefined;
    }
    expect(names.map((u) => u.UserName)).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });
});
