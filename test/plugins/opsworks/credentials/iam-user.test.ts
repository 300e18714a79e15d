import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { isThrottling, isTransient, limited, RateLimiter } from '../../../../core/retry.js';
import { isSecret } from '../../../../core/secret.js';
import {
  createAgentUser,
  type IamLedger,
  rollbackAgentUser,
} from '../../../../plugins/opsworks/credentials/iam-user.js';

const iam = mockClient(IAMClient);
afterEach(() => iam.reset());
const err = (name: string) => Object.assign(new Error(name), { name });
const deps = () => ({
  iam: new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
  limiter: new RateLimiter({ ratePerSecond: 1000, burst: 1000 }),
  retry: { attempts: 4, baseMs: 1, capMs: 2 },
  now: () => new Date('2024-01-01T00:00:00Z'),
});
const input = { stackId: 'stack-1', stackName: 'web stack', stackArn: 'arn:stack', iamName: 'host1' };
const key = {
  AccessKey: {
    AccessKeyId: 'AKIA1',
    SecretAccessKey: 'sekrit-value',
    UserName: 'u',
    Status: 'Active' as const,
  },
};

describe('createAgentUser', () => {
  it('makes group, user, membership, managed policy and key; the group "already exists" is fine', async () => {
    iam.on(CreateGroupCommand).rejects(err('EntityAlreadyExistsException'));
    iam.on(CreateUserCommand).resolves({});
    iam.on(CreateAccessKeyCommand).resolves(key);
    const ledger: IamLedger = {};
    const user = await createAgentUser(deps(), input, ledger);
    expect(user.userName).toBe('OpsWorks-web-stack-host1');
    expect(isSecret(user.secretAccessKey)).toBe(true);
    expect(String(user.secretAccessKey)).not.toContain('sekrit');
    expect(iam.commandCalls(CreateGroupCommand)[0]!.args[0].input).toEqual({
      GroupName: 'OpsWorks-stack-1',
      Path: '/AWS/OpsWorks/',
    });
    expect(iam.commandCalls(AddUserToGroupCommand)).toHaveLength(1);
    expect(iam.commandCalls(AttachUserPolicyCommand)[0]!.args[0].input.PolicyArn).toBe(
      'arn:aws:iam::aws:policy/AWSOpsWorksInstanceRegistration',
    );
    expect(iam.commandCalls(PutUserPolicyCommand)).toHaveLength(0);
    expect(ledger).toMatchObject({
      user: 'OpsWorks-web-stack-host1',
      inGroup: true,
      managedPolicy: true,
      accessKeyId: 'AKIA1',
    });
  });

  it('name clashes: +1, +2, ...', async () => {
    iam
      .on(CreateUserCommand)
      .rejectsOnce(err('EntityAlreadyExistsException'))
      .rejectsOnce(err('EntityAlreadyExistsException'))
      .resolves({});
    iam.on(CreateAccessKeyCommand).resolves(key);
    const user = await createAgentUser(deps(), input, {});
    expect(iam.commandCalls(CreateUserCommand).map((c) => c.args[0].input.UserName)).toEqual([
      'OpsWorks-web-stack-host1',
      'OpsWorks-web-stack-host1+1',
      'OpsWorks-web-stack-host1+2',
    ]);
    expect(user.userName).toBe('OpsWorks-web-stack-host1+2');
  });

  it('gives up after 20 clashes', async () => {
    iam.on(CreateUserCommand).rejects(err('EntityAlreadyExistsException'));
    await expect(createAgentUser(deps(), input, {})).rejects.toThrow(
      "Couldn't find an unused IAM user name.",
    );
    expect(iam.commandCalls(CreateUserCommand)).toHaveLength(20);
    expect(iam.commandCalls(CreateUserCommand).at(-1)!.args[0].input.UserName).toBe(
      'OpsWorks-web-stack-host1+19',
    );
  });

  it('AttachUserPolicy AccessDenied: the inline policy instead, 15 minutes ahead', async () => {
    iam.on(AttachUserPolicyCommand).rejects(err('AccessDenied'));
    iam.on(CreateAccessKeyCommand).resolves(key);
    const ledger: IamLedger = {};
    const user = await createAgentUser(deps(), input, ledger);
    expect(user.inlinePolicy).toBe(true);
    const put = iam.commandCalls(PutUserPolicyCommand)[0]!.args[0].input;
    expect(put.PolicyName).toBe('OpsWorks-Instance');
    expect(JSON.parse(put.PolicyDocument!).Statement[0].Condition.DateLessThan['aws:CurrentTime']).toBe(
      '2024-01-01T00:15:00Z',
    );
    expect(ledger.inlinePolicy).toBe(true);
  });

  it('another AttachUserPolicy error is not swallowed', async () => {
    iam.on(AttachUserPolicyCommand).rejects(err('NoSuchEntity'));
    await expect(createAgentUser(deps(), input, {})).rejects.toThrow('NoSuchEntity');
    expect(iam.commandCalls(PutUserPolicyCommand)).toHaveLength(0);
  });

  it('throttling is retried with backoff through the shared limiter', async () => {
    iam.on(CreateUserCommand).rejectsOnce(err('Throttling')).resolves({});
    iam.on(CreateAccessKeyCommand).resolves(key);
    await createAgentUser(deps(), input, {});
    expect(iam.commandCalls(CreateUserCommand)).toHaveLength(2);
  });
});

describe('rollbackAgentUser', () => {
  it('removes key, inline policy, membership and user, newest first; the shared group stays', async () => {
    const ledger: IamLedger = {
      group: 'G',
      user: 'U',
      inGroup: true,
      inlinePolicy: true,
      accessKeyId: 'AKIA1',
    };
    const result = await rollbackAgentUser(deps(), ledger);
    expect(result.failed).toEqual([]);
    expect(result.removed).toEqual([
      'access key AKIA1',
      'inline policy OpsWorks-Instance',
      'membership of G',
      'user U',
    ]);
    expect(iam.commandCalls(DeleteAccessKeyCommand)).toHaveLength(1);
    expect(iam.commandCalls(DeleteUserPolicyCommand)).toHaveLength(1);
    expect(iam.commandCalls(RemoveUserFromGroupCommand)).toHaveLength(1);
    expect(iam.commandCalls(DeleteUserCommand)).toHaveLength(1);
    expect(ledger).toEqual({ group: 'G' });
  });
  it('reports what it could not remove', async () => {
    iam.on(DeleteUserCommand).rejects(err('DeleteConflict'));
    const result = await rollbackAgentUser(deps(), { user: 'U', accessKeyId: 'K' });
    expect(result.failed).toEqual(['user U (DeleteConflict)']);
  });
});

describe('limiter', () => {
  it('knows throttling errors', () => {
    expect(isThrottling(err('Throttling'))).toBe(true);
    expect(isThrottling(err('ThrottlingException'))).toBe(true);
    expect(isThrottling(err('AccessDenied'))).toBe(false);
  });
  it('gives up after the bounded attempts', async () => {
    let calls = 0;
    const limiter = new RateLimiter({ ratePerSecond: 1000, burst: 10 });
    await expect(
      limited(
        limiter,
        async () => {
          calls++;
          throw err('Throttling');
        },
        { attempts: 3, baseMs: 1, capMs: 1 },
      ),
    ).rejects.toThrow('Throttling');
    expect(calls).toBe(3);
    expect(limiter.rate).toBeLessThan(1000);
  });
});

describe('transient failures', () => {
  it('a CreateUser whose answer was lost is retried and kept: no `+1` user', async () => {
    // The first attempt went through but its answer timed out; the retry says "already exists".
    iam.on(CreateUserCommand).rejectsOnce(err('TimeoutError')).rejects(err('EntityAlreadyExistsException'));
    iam.on(GetUserCommand).resolves({
      User: { UserName: 'x', Path: '/', UserId: 'i', Arn: 'a', CreateDate: new Date() },
    });
    iam.on(CreateAccessKeyCommand).resolves(key);
    const retries: number[] = [];
    const user = await createAgentUser(
      { ...deps(), retry: { attempts: 4, baseMs: 1, capMs: 2, onRetry: (_e, n) => retries.push(n) } },
      input,
      {},
    );
    expect(user.userName).toBe('OpsWorks-web-stack-host1');
    expect(iam.commandCalls(CreateUserCommand).map((c) => c.args[0].input.UserName)).toEqual([
      'OpsWorks-web-stack-host1',
      'OpsWorks-web-stack-host1',
    ]);
    expect(retries).toEqual([1]);
  });

  it('a retried CreateAccessKey leaves one key: the one returned', async () => {
    iam.on(CreateUserCommand).resolves({});
    iam.on(CreateAccessKeyCommand).rejectsOnce(err('TimeoutError')).resolves(key);
    iam.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [{ AccessKeyId: 'AKIA-LOST' }, { AccessKeyId: 'AKIA1' }],
    });
    await createAgentUser(deps(), input, {});
    expect(iam.commandCalls(DeleteAccessKeyCommand).map((c) => c.args[0].input.AccessKeyId)).toEqual([
      'AKIA-LOST',
    ]);
  });

  it('a permanent error fails at once, without retry', async () => {
    iam.on(CreateUserCommand).rejects(err('AccessDeniedException'));
    await expect(createAgentUser(deps(), input, {})).rejects.toThrow('AccessDeniedException');
    expect(iam.commandCalls(CreateUserCommand)).toHaveLength(1);
  });

  it('classifies transient and permanent errors', () => {
    expect(isTransient(err('TimeoutError'))).toBe(true);
    expect(isTransient(new TypeError('fetch failed'))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(Object.assign(err('InternalFailure'), { $metadata: { httpStatusCode: 500 } }))).toBe(
      true,
    );
    expect(isTransient(Object.assign(err('Whatever'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isTransient(err('AccessDenied'))).toBe(false);
    expect(isTransient(err('NoSuchEntityException'))).toBe(false);
    expect(isTransient(Object.assign(err('ValidationError'), { $metadata: { httpStatusCode: 400 } }))).toBe(
      false,
    );
  });
});
