import type { AwsContext } from '../context.js';
import type { Principal } from '../types.js';
import type { Params } from './params.js';

/** One IAM action: the resource a policy sees, what it does (returning the Result XML), and whether it writes. */
export interface IamOperation {
  resource: (ctx: AwsContext, params: Params, caller: Principal) => string;
  context?: (params: Params) => Record<string, string>;
  run: (ctx: AwsContext, params: Params, caller: Principal) => string | undefined;
  mutates: boolean;
}

export function userArn(ctx: AwsContext, path: string, name: string): string {
  return `arn:aws:iam::${ctx.accountId}:user${path}${name}`;
}

export function groupArn(ctx: AwsContext, path: string, name: string): string {
  return `arn:aws:iam::${ctx.accountId}:group${path}${name}`;
}
