import type { IAMClient } from '@aws-sdk/client-iam';
import { Secret } from '../../core/secret.js';
import { iamSdk } from '../opsworks/aws-sdk.js';
import {
  baseUserName,
  groupName,
  IAM_PATH,
  INLINE_POLICY_NAME,
  inlinePolicyDocument,
  REGISTRATION_POLICY_ARN,
  USER_NAME_ATTEMPTS,
  userNameAttempt,
} from './iam-names.js';
import { limited, type RateLimiter, type RetryOptions } from './limiter.js';

/**
 * The `iam-user` agent credential mode: the IAM entities `aws opsworks
 * register` makes for one host (group, user, policy, access key), each call
 * through the fleet's shared limiter. Every entity made is written to the
 * ledger as soon as it exists, so a later failure can undo exactly those.
 */
export interface IamLedger {
  group?: string;
  user?: string;
  inGroup?: boolean;
  managedPolicy?: boolean;
  inlinePolicy?: boolean;
  accessKeyId?: string;
}

export interface AgentUser {
  userName: string;
  accessKeyId: string;
  secretAccessKey: Secret;
  /** The managed policy was AccessDenied: the 15-minute inline policy was put instead. */
  inlinePolicy: boolean;
}

export interface IamDeps {
  iam: IAMClient;
  limiter: RateLimiter;
  retry?: RetryOptions;
  now?: () => Date;
}

export function errorName(error: unknown): string {
  const e = error as { name?: string; Code?: string };
  return e?.Code ?? e?.name ?? '';
}

const isAlreadyExists = (e: unknown) => /EntityAlreadyExists/.test(errorName(e));
const isAccessDenied = (e: unknown) => /^AccessDenied/.test(errorName(e));
const isNoSuchEntity = (e: unknown) => /NoSuchEntity/.test(errorName(e));

export async function createAgentUser(
  deps: IamDeps,
  input: { stackId: string; stackName: string; stackArn: string; iamName: string },
  ledger: IamLedger,
): Promise<AgentUser> {
  const call = <T>(fn: () => Promise<T>) => limited(deps.limiter, fn, deps.retry);
  const group = groupName(input.stackId);
  try {
    await call(() => deps.iam.send(new (iamSdk().CreateGroupCommand)({ GroupName: group, Path: IAM_PATH })));
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
  ledger.group = group;
  const base = baseUserName(input.stackName, input.iamName);
  let userName: string | undefined;
  for (let attempt = 0; attempt < USER_NAME_ATTEMPTS && !userName; attempt++) {
    const candidate = userNameAttempt(base, attempt);
    try {
      await call(() =>
        deps.iam.send(new (iamSdk().CreateUserCommand)({ UserName: candidate, Path: IAM_PATH })),
      );
      userName = candidate;
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  }
  if (!userName) throw new Error("Couldn't find an unused IAM user name.");
  ledger.user = userName;
  const user = userName;
  await call(() => deps.iam.send(new (iamSdk().AddUserToGroupCommand)({ GroupName: group, UserName: user })));
  ledger.inGroup = true;
  let inline = false;
  try {
    await call(() =>
      deps.iam.send(
        new (iamSdk().AttachUserPolicyCommand)({ UserName: user, PolicyArn: REGISTRATION_POLICY_ARN }),
      ),
    );
    ledger.managedPolicy = true;
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    const document = inlinePolicyDocument(input.stackArn, (deps.now ?? (() => new Date()))());
    await call(() =>
      deps.iam.send(
        new (iamSdk().PutUserPolicyCommand)({
          UserName: user,
          PolicyName: INLINE_POLICY_NAME,
          PolicyDocument: document,
        }),
      ),
    );
    ledger.inlinePolicy = true;
    inline = true;
  }
  const key = await call(() => deps.iam.send(new (iamSdk().CreateAccessKeyCommand)({ UserName: user })));
  const accessKeyId = key.AccessKey?.AccessKeyId;
  const secretValue = key.AccessKey?.SecretAccessKey;
  if (!accessKeyId || !secretValue) throw new Error(`CreateAccessKey for ${user} returned no key`);
  const secretAccessKey = new Secret(secretValue);
  ledger.accessKeyId = accessKeyId;
  return { userName: user, accessKeyId, secretAccessKey, inlinePolicy: inline };
}

/**
 * Undoes what the ledger says was made, newest first: access key, inline
 * policy, managed policy, group membership, user. The group stays (it is
 * shared by every host of the stack). Returns what was removed, and what
 * could not be (with why), in words for the host's result.
 */
export async function rollbackAgentUser(
  deps: IamDeps,
  ledger: IamLedger,
): Promise<{ removed: string[]; failed: string[] }> {
  const removed: string[] = [];
  const failed: string[] = [];
  const user = ledger.user;
  if (!user) return { removed, failed };
  const step = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await limited(deps.limiter, fn, deps.retry);
      removed.push(what);
    } catch (error) {
      if (isNoSuchEntity(error)) removed.push(what);
      else failed.push(`${what} (${errorName(error) || (error as Error).message})`);
    }
  };
  if (ledger.accessKeyId) {
    const id = ledger.accessKeyId;
    await step(`access key ${id}`, () =>
      deps.iam.send(new (iamSdk().DeleteAccessKeyCommand)({ UserName: user, AccessKeyId: id })),
    );
  }
  if (ledger.inlinePolicy) {
    await step(`inline policy ${INLINE_POLICY_NAME}`, () =>
      deps.iam.send(
        new (iamSdk().DeleteUserPolicyCommand)({ UserName: user, PolicyName: INLINE_POLICY_NAME }),
      ),
    );
  }
  if (ledger.managedPolicy) {
    await step('managed policy AWSOpsWorksInstanceRegistration', () =>
      deps.iam.send(
        new (iamSdk().DetachUserPolicyCommand)({ UserName: user, PolicyArn: REGISTRATION_POLICY_ARN }),
      ),
    );
  }
  if (ledger.inGroup && ledger.group) {
    const group = ledger.group;
    await step(`membership of ${group}`, () =>
      deps.iam.send(new (iamSdk().RemoveUserFromGroupCommand)({ UserName: user, GroupName: group })),
    );
  }
  await step(`user ${user}`, () => deps.iam.send(new (iamSdk().DeleteUserCommand)({ UserName: user })));
  if (failed.length === 0) {
    for (const key of Object.keys(ledger) as (keyof IamLedger)[]) if (key !== 'group') delete ledger[key];
  }
  return { removed, failed };
}
