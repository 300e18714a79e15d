import type { IAMClient } from '@aws-sdk/client-iam';
import type { EffectJournal } from '../../../core/plugin/types.js';
import { DEFAULT_RETRY, limited, type RateLimiter, type RetryOptions } from '../../../core/retry.js';
import { Secret } from '../../../core/secret.js';
import { iamSdk } from '../aws-sdk.js';
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
  /** Each IAM entity made is journaled: intent before the call, outcome after. */
  journal?: EffectJournal;
}

const unjournaled: EffectJournal = { effect: (_op, _fields, fn) => fn() };

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
  const journal = deps.journal ?? unjournaled;
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
    const started = Date.now();
    let retried = false;
    try {
      await journal.effect('iam.user', { user: candidate }, () =>
        limited(
          deps.limiter,
          () => deps.iam.send(new (iamSdk().CreateUserCommand)({ UserName: candidate, Path: IAM_PATH })),
          withRetryFlag(deps.retry, () => {
            retried = true;
          }),
        ),
      );
      userName = candidate;
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      // A retried CreateUser whose first attempt did go through: the user is ours, not a reason for `+1`.
      if (retried && (await createdSince(deps, candidate, started))) userName = candidate;
    }
  }
  if (!userName) throw new Error("Couldn't find an unused IAM user name.");
  ledger.user = userName;
  const user = userName;
  await journal.effect('iam.group-membership', { user, group }, () =>
    call(() => deps.iam.send(new (iamSdk().AddUserToGroupCommand)({ GroupName: group, UserName: user }))),
  );
  ledger.inGroup = true;
  let inline = false;
  try {
    await journal.effect('iam.managed-policy', { user }, () =>
      call(() =>
        deps.iam.send(
          new (iamSdk().AttachUserPolicyCommand)({ UserName: user, PolicyArn: REGISTRATION_POLICY_ARN }),
        ),
      ),
    );
    ledger.managedPolicy = true;
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    const document = inlinePolicyDocument(input.stackArn, (deps.now ?? (() => new Date()))());
    await journal.effect('iam.inline-policy', { user }, () =>
      call(() =>
        deps.iam.send(
          new (iamSdk().PutUserPolicyCommand)({
            UserName: user,
            PolicyName: INLINE_POLICY_NAME,
            PolicyDocument: document,
          }),
        ),
      ),
    );
    ledger.inlinePolicy = true;
    inline = true;
  }
  let keyRetried = false;
  const key = await journal.effect(
    'iam.access-key',
    { user },
    () =>
      limited(
        deps.limiter,
        () => deps.iam.send(new (iamSdk().CreateAccessKeyCommand)({ UserName: user })),
        withRetryFlag(deps.retry, () => {
          keyRetried = true;
        }),
      ),
    // The key ID only: the secret never reaches the journal.
    (out) => ({ accessKeyId: out.AccessKey?.AccessKeyId }),
  );
  const accessKeyId = key.AccessKey?.AccessKeyId;
  const secretValue = key.AccessKey?.SecretAccessKey;
  if (!accessKeyId || !secretValue) throw new Error(`CreateAccessKey for ${user} returned no key`);
  // A retried CreateAccessKey may have made a key whose answer was lost: only the one we hold stays.
  if (keyRetried) await pruneAccessKeys(deps, user, accessKeyId);
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

/**
 * Removes an IAM user whatever it holds, found by listing (a crashed run may
 * not know its key ID): every access key, inline policy, attached policy and
 * group membership, then the user. A user already gone counts as removed.
 */
export async function removeAgentUser(
  deps: IamDeps,
  user: string,
): Promise<{ removed: string[]; failed: string[] }> {
  const removed: string[] = [];
  const failed: string[] = [];
  const call = <T>(fn: () => Promise<T>) => limited(deps.limiter, fn, deps.retry);
  const step = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await call(fn);
      removed.push(what);
    } catch (error) {
      if (isNoSuchEntity(error)) removed.push(what);
      else failed.push(`${what} (${errorName(error) || (error as Error).message})`);
    }
  };
  const sdk = iamSdk();
  try {
    const keys = await call(() => deps.iam.send(new sdk.ListAccessKeysCommand({ UserName: user })));
    for (const k of keys.AccessKeyMetadata ?? []) {
      const id = k.AccessKeyId!;
      await step(`access key ${id}`, () =>
        deps.iam.send(new sdk.DeleteAccessKeyCommand({ UserName: user, AccessKeyId: id })),
      );
    }
    const inline = await call(() => deps.iam.send(new sdk.ListUserPoliciesCommand({ UserName: user })));
    for (const name of inline.PolicyNames ?? []) {
      await step(`inline policy ${name}`, () =>
        deps.iam.send(new sdk.DeleteUserPolicyCommand({ UserName: user, PolicyName: name })),
      );
    }
    const attached = await call(() =>
      deps.iam.send(new sdk.ListAttachedUserPoliciesCommand({ UserName: user })),
    );
    for (const p of attached.AttachedPolicies ?? []) {
      const arn = p.PolicyArn!;
      await step(`managed policy ${p.PolicyName ?? arn}`, () =>
        deps.iam.send(new sdk.DetachUserPolicyCommand({ UserName: user, PolicyArn: arn })),
      );
    }
    const groups = await call(() => deps.iam.send(new sdk.ListGroupsForUserCommand({ UserName: user })));
    for (const g of groups.Groups ?? []) {
      const group = g.GroupName!;
      await step(`membership of ${group}`, () =>
        deps.iam.send(new sdk.RemoveUserFromGroupCommand({ UserName: user, GroupName: group })),
      );
    }
  } catch (error) {
    if (isNoSuchEntity(error)) return { removed, failed };
    failed.push(`listing ${user} (${errorName(error) || (error as Error).message})`);
    return { removed, failed };
  }
  await step(`user ${user}`, () => deps.iam.send(new sdk.DeleteUserCommand({ UserName: user })));
  return { removed, failed };
}

/** Deletes every access key of a user but the one its host's agent holds (a retried CreateAccessKey may have made two). */
export async function pruneAccessKeys(deps: IamDeps, user: string, keep: string): Promise<string[]> {
  const call = <T>(fn: () => Promise<T>) => limited(deps.limiter, fn, deps.retry);
  const sdk = iamSdk();
  const keys = await call(() => deps.iam.send(new sdk.ListAccessKeysCommand({ UserName: user })));
  const removed: string[] = [];
  for (const k of keys.AccessKeyMetadata ?? []) {
    if (!k.AccessKeyId || k.AccessKeyId === keep) continue;
    const id = k.AccessKeyId;
    await call(() => deps.iam.send(new sdk.DeleteAccessKeyCommand({ UserName: user, AccessKeyId: id })));
    removed.push(`access key ${id}`);
  }
  return removed;
}

function withRetryFlag(retry: RetryOptions | undefined, flag: () => void): RetryOptions {
  const base = retry ?? DEFAULT_RETRY;
  return {
    ...base,
    onRetry: (error, attempt) => {
      flag();
      base.onRetry?.(error, attempt);
    },
  };
}

async function createdSince(deps: IamDeps, user: string, since: number): Promise<boolean> {
  const created = await userCreated(deps, user);
  return created !== undefined && created.getTime() >= since - 30_000;
}

/** The user's creation time, or undefined when it does not exist. */
export async function userCreated(deps: IamDeps, user: string): Promise<Date | undefined> {
  try {
    const out = await limited(
      deps.limiter,
      () => deps.iam.send(new (iamSdk().GetUserCommand)({ UserName: user })),
      deps.retry,
    );
    return out.User?.CreateDate ?? new Date(0);
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw error;
  }
}

/** Whether this access key belongs to this user (its host's agent holds a key the user still has). */
export async function userHasKey(deps: IamDeps, user: string, accessKeyId: string): Promise<boolean> {
  try {
    const keys = await limited(
      deps.limiter,
      () => deps.iam.send(new (iamSdk().ListAccessKeysCommand)({ UserName: user })),
      deps.retry,
    );
    return (keys.AccessKeyMetadata ?? []).some((k) => k.AccessKeyId === accessKeyId);
  } catch (error) {
    if (isNoSuchEntity(error)) return false;
    throw error;
  }
}
