import { accessKeyId, secretKey } from '../../ids.js';
import type { AccessKeyRecord } from '../../state/model.js';
import { el, members, txt } from '../protocol/xml.js';
import { limitExceeded, noSuchEntity } from './errors.js';
import type { IamOperation } from './operation.js';
import { paginate, required } from './params.js';
import { accessKeyXml, truncation } from './shapes.js';
import { userOrCaller, userResource } from './users.js';

/** Access keys: at most two per user, the secret shown once at creation. */

export const keyOperations: Record<string, IamOperation> = {
  CreateAccessKey: {
    resource: userResource,
    mutates: true,
    run(ctx, params, caller) {
      const user = userOrCaller(ctx, params, caller);
      const count = Object.values(ctx.state.accessKeys).filter((k) => k.UserName === user.UserName).length;
      if (count >= 2) throw limitExceeded('Cannot exceed quota for AccessKeysPerUser: 2');
      const key: AccessKeyRecord = {
        AccessKeyId: accessKeyId(),
        SecretAccessKey: secretKey(),
        UserName: user.UserName,
        Status: 'Active',
        CreateDate: new Date(ctx.clock()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      };
      ctx.state.accessKeys[key.AccessKeyId] = key;
      ctx.issuedSecrets.push(key.SecretAccessKey);
      return el('AccessKey', accessKeyXml(key, true));
    },
  },
  ListAccessKeys: {
    resource: userResource,
    mutates: false,
    run(ctx, params, caller) {
      const user = userOrCaller(ctx, params, caller);
      const keys = Object.values(ctx.state.accessKeys).filter((k) => k.UserName === user.UserName);
      const { page, truncated, marker } = paginate(params, keys);
      return (
        members(
          'AccessKeyMetadata',
          page.map((k) => accessKeyXml(k, false)),
        ) +
        truncation(truncated, marker) +
        txt('UserName', user.UserName)
      );
    },
  },
  DeleteAccessKey: {
    resource: userResource,
    mutates: true,
    run(ctx, params, caller) {
      const user = userOrCaller(ctx, params, caller);
      const id = required(params, 'AccessKeyId');
      const key = ctx.state.accessKeys[id];
      if (!key || key.UserName !== user.UserName) {
        throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
      }
      delete ctx.state.accessKeys[id];
      return undefined;
    },
  },
};
