import { groupId } from '../../ids.js';
import type { IamGroup } from '../../state/model.js';
import type { AwsContext } from '../context.js';
import { el, members } from '../protocol/xml.js';
import { alreadyExists, deleteConflict, noSuchEntity } from './errors.js';
import { groupArn, type IamOperation } from './operation.js';
import { entityName, entityPath, findByName, type Params, paginate } from './params.js';
import { groupXml, truncation, userXml } from './shapes.js';
import { getUser, userResource } from './users.js';

/** IAM groups and membership. */

export function getGroup(ctx: AwsContext, name: string): IamGroup {
  const group = findByName(ctx.state.groups, name);
  if (!group) throw noSuchEntity(`The group with name ${name} cannot be found.`);
  return group;
}

function groupResource(ctx: AwsContext, params: Params): string {
  const name = params.get('GroupName') ?? '*';
  const group = findByName(ctx.state.groups, name);
  return group ? group.Arn : groupArn(ctx, params.get('Path') ?? '/', name);
}

function membersOf(ctx: AwsContext, group: IamGroup) {
  return Object.values(ctx.state.users).filter((u) => u.groups.includes(group.GroupName));
}

export const groupOperations: Record<string, IamOperation> = {
  CreateGroup: {
    resource: groupResource,
    mutates: true,
    run(ctx, params) {
      const name = entityName(params, 'GroupName', 128);
      const path = entityPath(params);
      if (findByName(ctx.state.groups, name)) throw alreadyExists(`Group with name ${name} already exists.`);
      const group: IamGroup = {
        GroupName: name,
        GroupId: groupId(),
        Path: path,
        Arn: groupArn(ctx, path, name),
        CreateDate: new Date(ctx.clock()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      };
      ctx.state.groups[name] = group;
      return el('Group', groupXml(group));
    },
  },
  GetGroup: {
    resource: groupResource,
    mutates: false,
    run(ctx, params) {
      const group = getGroup(ctx, entityName(params, 'GroupName', 128));
      const { page, truncated, marker } = paginate(params, membersOf(ctx, group));
      return (
        el('Group', groupXml(group)) + members('Users', page.map(userXml)) + truncation(truncated, marker)
      );
    },
  },
  ListGroups: {
    resource: () => '*',
    mutates: false,
    run(ctx, params) {
      const prefix = params.get('PathPrefix') ?? '/';
      const all = Object.values(ctx.state.groups).filter((g) => g.Path.startsWith(prefix));
      const { page, truncated, marker } = paginate(params, all);
      return members('Groups', page.map(groupXml)) + truncation(truncated, marker);
    },
  },
  DeleteGroup: {
    resource: groupResource,
    mutates: true,
    run(ctx, params) {
      const group = getGroup(ctx, entityName(params, 'GroupName', 128));
      if (membersOf(ctx, group).length > 0) {
        throw deleteConflict('Cannot delete entity, must remove users from group first.');
      }
      delete ctx.state.groups[group.GroupName];
      return undefined;
    },
  },
  AddUserToGroup: {
    resource: groupResource,
    mutates: true,
    run(ctx, params) {
      const group = getGroup(ctx, entityName(params, 'GroupName', 128));
      const user = getUser(ctx, entityName(params, 'UserName', 64));
      if (!user.groups.includes(group.GroupName)) user.groups.push(group.GroupName);
      return undefined;
    },
  },
  RemoveUserFromGroup: {
    resource: groupResource,
    mutates: true,
    run(ctx, params) {
      const group = getGroup(ctx, entityName(params, 'GroupName', 128));
      const user = getUser(ctx, entityName(params, 'UserName', 64));
      if (!user.groups.includes(group.GroupName)) {
        throw noSuchEntity(`User ${user.UserName} is not in group ${group.GroupName}.`);
      }
      user.groups = user.groups.filter((g) => g !== group.GroupName);
      return undefined;
    },
  },
  ListGroupsForUser: {
    resource: userResource,
    mutates: false,
    run(ctx, params) {
      const user = getUser(ctx, entityName(params, 'UserName', 64));
      const groups = user.groups.map((g) => ctx.state.groups[g]).filter((g) => g !== undefined);
      const { page, truncated, marker } = paginate(params, groups);
      return members('Groups', page.map(groupXml)) + truncation(truncated, marker);
    },
  },
};
