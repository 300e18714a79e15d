import { MANAGED_POLICIES, managedPolicyName } from '../auth/managed.js';
import { parsePolicy } from '../auth/policy.js';
import { el, members, txt } from '../protocol/xml.js';
import { malformedPolicy, noSuchEntity } from './errors.js';
import type { IamOperation } from './operation.js';
import { entityName, paginate, required } from './params.js';
import { truncation } from './shapes.js';
import { getUser, userResource } from './users.js';

/** Managed policy attachments and inline user policies. */

export const policyOperations: Record<string, IamOperation> = {
  AttachUserPolicy: {
    resource: userResource,
    context: (params) => ({ 'iam:PolicyARN': params.get('PolicyArn') ?? '' }),
    mutates: true,
    run(ctx, params) {
      const user = getUser(ctx, entityName(params, 'UserName', 64));
      const arn = required(params, 'PolicyArn');
      if (!MANAGED_POLICIES[arn]) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
      if (!user.attachedPolicies.includes(arn)) user.attachedPolicies.push(arn);
      return undefined;
    },
  },
  DetachUserPolicy: {
    resource: userResource,
    mutates: true,
    run(ctx, params) {
      const user = getUser(ctx, entityName(params, 'UserName', 64));
      const arn = required(params, 'PolicyArn');
      if (!user.attachedPolicies.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
      user.attachedPolicies = user.attachedPolicies.filter((a) => a !== arn);
      return undefined;
    },
  },
  ListAttachedUserPolicies: {
    resource: userResource,
    mutates: false,
    run(ctx, params) {
      const user = getUser(ctx, entityName(params, 'UserName', 64));
      const { page, truncated, marker } = paginate(params, user.attachedPolicies);
      return (
        members(
          'AttachedPolicies',
          page.map((arn) => txt('PolicyName', managedPolicyName(arn)) + txt('PolicyArn', arn)),
        ) + truncation(truncated, marker)
      );
    },
  },
  PutUserPolicy: {
    resource: userResource,
    mutates: true,
    run(ctx, params) {
      const user = getUser(ctx, entityName(params, 'UserName', 64));
      const name = entityName(params, 'PolicyName', 128);
      const document = required(params, 'PolicyDocument');
      if (!parsePolicy(document)) throw malformedPolicy('Syntax errors in policy.');
      user.inlinePolicies[name] = document;
      return undefined;
    },
  },
  GetUserPolicy: {
    resource: userResource,
    mutates: false,
    run(ctx, params) {
      const user = getUser(ctx, entityName(params, 'UserName', 64));
      const name = entityName(params, 'PolicyName', 128);
      const document = user.inlinePolicies[name];
      if (document === undefined) {
        throw noSuchEntity(`The user policy with name ${name} cannot be found.`);
      }
      // IAM returns the document URL-encoded (RFC 3986), and the SDKs hand it over as is.
      return (
        txt('UserName', user.UserName) +
        txt('PolicyName', name) +
        txt('PolicyDocument', encodeURIComponent(document))
      );
    },
  },
  DeleteUserPolicy: {
    resource: userResource,
    mutates: true,
    run(ctx, params) {
      const user = getUser(ctx, entityName(params, 'UserName', 64));
      const name = entityName(params, 'PolicyName', 128);
      if (user.inlinePolicies[name] === undefined) {
        throw noSuchEntity(`The user policy with name ${name} cannot be found.`);
      }
      delete user.inlinePolicies[name];
      return undefined;
    },
  },
  ListUserPolicies: {
    resource: userResource,
    mutates: false,
    run(ctx, params) {
      const user = getUser(ctx, entityName(params, 'UserName', 64));
      const { page, truncated, marker } = paginate(params, Object.keys(user.inlinePolicies));
      return el('PolicyNames', page.map((n) => txt('member', n)).join('')) + truncation(truncated, marker);
    },
  },
};
