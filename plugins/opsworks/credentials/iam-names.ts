/**
 * IAM naming exactly as `aws opsworks register` does it (pure; see
 * shared/reference/opsworks-register.md, flow step 7).
 */

/** IAM path for every group and user made for a registration. */
export const IAM_PATH = '/AWS/OpsWorks/';
/** The managed policy attached to each registration user. */
export const REGISTRATION_POLICY_ARN = 'arn:aws:iam::aws:policy/AWSOpsWorksInstanceRegistration';
/** The inline fallback's name, used only when attaching the managed policy is AccessDenied. */
export const INLINE_POLICY_NAME = 'OpsWorks-Instance';
/** How long the inline policy's condition allows RegisterInstance. */
export const INLINE_POLICY_TTL_MS = 15 * 60 * 1000;
/** `+1` .. `+19` after the base name: 20 names in all, then give up. */
export const USER_NAME_ATTEMPTS = 20;

/** Every run of characters outside `A-Za-z0-9+=,.@_-` becomes one `-`. */
export function clean(name: string): string {
  return name.replace(/[^A-Za-z0-9+=,.@_-]+/g, '-');
}

/** Unchanged if it fits in `max`; else the first q+r and last q characters around `...`, q, r = divmod(max-3, 2). */
export function shorten(name: string, max: number): string {
  if (name.length <= max) return name;
  const q = Math.floor((max - 3) / 2);
  const r = (max - 3) % 2;
  return `${name.slice(0, q + r)}...${q > 0 ? name.slice(-q) : ''}`;
}

export function groupName(stackId: string): string {
  return `OpsWorks-${clean(stackId)}`;
}

export function baseUserName(stackName: string, iamName: string): string {
  return `OpsWorks-${shorten(clean(stackName), 25)}-${shorten(clean(iamName), 25)}`;
}

/** The user name for attempt 0 (the base), 1 (`+1`) ... 19 (`+19`). */
export function userNameAttempt(base: string, attempt: number): string {
  return attempt === 0 ? base : `${base}+${attempt}`;
}

/** `%Y-%m-%dT%H:%M:%SZ` in UTC. */
export function iamTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The inline policy `OpsWorks-Instance`: RegisterInstance on the stack, until `now + 15 min`. */
export function inlinePolicyDocument(stackArn: string, now: Date, ttlMs = INLINE_POLICY_TTL_MS): string {
  const statement = {
    Action: 'opsworks:RegisterInstance',
    Effect: 'Allow',
    Resource: stackArn,
    Condition: { DateLessThan: { 'aws:CurrentTime': iamTimestamp(new Date(now.getTime() + ttlMs)) } },
  };
  return JSON.stringify({ Statement: [statement], Version: '2012-10-17' });
}
