import { userId } from '../../ids.js';
import type { IamUser } from '../../state/model.js';
import type { AwsContext } from '../context.js';
import { el, members } from '../protocol/xml.js';
import type { Principal } from '../types.js';
import { alreadyExists, deleteConflict, noSuchEntity, validationError } from './errors.js';
import { type IamOperation, userArn } from './operation.js';
import { entityName, entityPath, findByName, type Params, paginate } from './params.js';
import { truncation, userXml } from './shapes.js';

/** IAM users: CreateUser, GetUser, ListUsers, DeleteUser. */

export function getUser(ctx: AwsContext, name: string): IamUser {
  const user = findByName(ctx.state.users, name);
  if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return user;
}

/** A user named in the call, or else the caller itself (GetUser, CreateAccessKey, ...). */
export function userOrCaller(ctx: AwsContext, params: Params, caller: Principal): IamUser {
  const name = params.get('UserName');
  if (name) return getUser(ctx, name);
  if (caller.kind === 'user') return getUser(ctx, caller.userName);
  throw validationError('UserName must be given: the caller is not an IAM user of this account');
}

export function userResource(ctx: AwsContext, params: Params, caller: Principal): string {
  const name = params.get('UserName');
  if (!name) return caller.kind === 'anonymous' ? '*' : caller.arn;
  const user = findByName(ctx.state.users, name);
  return user ? user.Arn : userArn(ctx, params.get('Path') ?? '/', name);
}

export const userOperations: Record<string, IamOperation> = {
  CreateUser: {
    resource: userResource,
    mutates: true,
    run(ctx, params) {
      const name = entityName(params, 'UserName', 64);
      const path = entityPath(params);
      if (findByName(ctx.state.users, name)) throw alreadyExists(`User with name ${name} already exists.`);
      const user: IamUser = {
        UserName: name,
        UserId: userId(),
        Path: path,
        Arn: userArn(ctx, path, name),
        CreateDate: new Date(ctx.clock()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        attachedPolicies: [],
        inlinePolicies: {},
        groups: [],
      };
      ctx.state.users[name] = user;
      return el('User', userXml(user));
    },
  },
  GetUser: {
    resource: userResource,
    mutates: false,
    run(ctx, params, caller) {
      if (!params.get('UserName') && caller.kind === 'operator') {
        const [, name] = caller.arn.split(':user/');
        return el(
          'User',
          userXml({
            Path: '/',
            UserName: name,
            UserId: caller.userId,
            Arn: caller.arn,
            CreateDate: '2024-01-01T00:00:00Z',
          }),
        );
      }
      return el('User', userXml(userOrCaller(ctx, params, caller)));
    },
  },
  ListUsers: {
    resource: () => '*',
    mutates: false,
    run(ctx, params) {
      const prefix = params.get('PathPrefix') ?? '/';
      const all = Object.values(ctx.state.users).filter((u) => u.Path.startsWith(prefix));
      const { page, truncated, marker } = paginate(params, all);
      return members('Users', page.map(userXml)) + truncation(truncated, marker);
    },
  },
  DeleteUser: {
    resource: userResource,
    mutates: true,
    run(ctx, params) {
      const user = getUser(ctx, entityName(params, 'UserName', 64));
      if (Object.values(ctx.state.accessKeys).some((k) => k.UserName === user.UserName)) {
        throw deleteConflict('Cannot delete entity, must delete access keys first.');
      }
      if (user.attachedPolicies.length > 0 || Object.keys(user.inlinePolicies).length > 0) {
        throw deleteConflict('Cannot delete entity, must detach all policies first.');
      }
      if (user.groups.length > 0)
        throw deleteConflict('Cannot delete entity, must remove users from group first.');
      delete ctx.state.users[user.UserName];
      return undefined;
    },
  },
};
