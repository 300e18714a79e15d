import { createHash } from 'node:crypto';
import { activationCode, uuid } from '../../ids.js';
import type { SsmActivation } from '../../state/model.js';
import type { AwsContext } from '../context.js';
import { page } from './page.js';
import { readTags } from './tags.js';
import { ACTIVATION_ID, asObject, Checks, type Input, ssmError, TAG_PATTERN } from './validate.js';

/** Hybrid activations: create, describe, delete, and the expiry and limit registration checks. */

const HOUR = 3_600_000;
export const DEFAULT_EXPIRY_MS = 24 * HOUR;
export const MAX_EXPIRY_MS = 30 * 24 * HOUR;

export const codeHash = (code: string): string => createHash('sha256').update(code).digest('hex');

/** Expired by its date on the sandbox clock, or by the `ssmExpireActivations` fault knob. */
export function isExpired(ctx: AwsContext, a: SsmActivation): boolean {
  return ctx.clock() >= a.ExpirationDate || ctx.faults.activationExpired(a.ActivationId);
}

export function createActivation(
  ctx: AwsContext,
  input: Input,
): { ActivationId: string; ActivationCode: string } {
  const checks = new Checks();
  const Description = checks.string(input, 'Description', 'description', { max: 256 });
  const DefaultInstanceName = checks.string(input, 'DefaultInstanceName', 'defaultInstanceName', {
    max: 256,
    pattern: TAG_PATTERN,
  });
  const IamRole = checks.string(input, 'IamRole', 'iamRole', { required: true, max: 64 });
  const RegistrationLimit = checks.integer(input, 'RegistrationLimit', 'registrationLimit', {
    min: 1,
    max: 1000,
  });
  const Tags = readTags(checks, input, 'Tags', 'tags', false);
  checks.done();
  const now = ctx.clock();
  const expiry = readExpiration(input.ExpirationDate, now);
  const role = IamRole as string;
  if (role === '' || role.startsWith('aws-service-role/')) {
    throw ssmError(
      'InvalidParameters',
      `IamRole '${role}' is not valid: name a service role you created; you can't specify an IAM service-linked role`,
    );
  }
  const ActivationId = uuid();
  const ActivationCode = activationCode();
  ctx.issuedSecrets.push(ActivationCode);
  ctx.state.ssm.activations[ActivationId] = {
    ActivationId,
    codeSha256: codeHash(ActivationCode),
    ...(Description !== undefined ? { Description } : {}),
    ...(DefaultInstanceName !== undefined ? { DefaultInstanceName } : {}),
    IamRole: role,
    RegistrationLimit: RegistrationLimit ?? 1,
    RegistrationsCount: 0,
    ExpirationDate: expiry,
    CreatedDate: now,
    Tags,
  };
  return { ActivationId, ActivationCode };
}

/** ExpirationDate: epoch seconds on the wire; in the future and at most 30 days ahead; 24 h when absent. */
function readExpiration(value: unknown, now: number): number {
  if (value === undefined || value === null) return now + DEFAULT_EXPIRY_MS;
  const ms =
    typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw ssmError('SerializationException', 'ExpirationDate must be a timestamp');
  if (ms <= now) {
    throw ssmError('InvalidParameters', `ExpirationDate ${new Date(ms).toISOString()} is in the past`);
  }
  if (ms > now + MAX_EXPIRY_MS) {
    throw ssmError(
      'InvalidParameters',
      `ExpirationDate ${new Date(ms).toISOString()} is more than 30 days from now; an activation can last at most 30 days`,
    );
  }
  return ms;
}

export function activationShape(ctx: AwsContext, a: SsmActivation): Record<string, unknown> {
  return {
    ActivationId: a.ActivationId,
    ...(a.Description !== undefined ? { Description: a.Description } : {}),
    ...(a.DefaultInstanceName !== undefined ? { DefaultInstanceName: a.DefaultInstanceName } : {}),
    IamRole: a.IamRole,
    RegistrationLimit: a.RegistrationLimit,
    RegistrationsCount: a.RegistrationsCount,
    ExpirationDate: a.ExpirationDate / 1000,
    Expired: isExpired(ctx, a),
    CreatedDate: a.CreatedDate / 1000,
    Tags: a.Tags,
  };
}

const ACTIVATION_FILTERS = ['ActivationIds', 'DefaultInstanceName', 'IamRole'] as const;

export function describeActivations(
  ctx: AwsContext,
  input: Input,
): { ActivationList: unknown[]; NextToken?: string } {
  const checks = new Checks();
  const MaxResults = checks.integer(input, 'MaxResults', 'maxResults', { min: 1, max: 50 });
  const filters = (checks.list(input, 'Filters', 'filters') ?? []).map((raw, i) => {
    const f = asObject(raw, 'DescribeActivationsFilter');
    const key = checks.string(f, 'FilterKey', `filters.${i + 1}.member.filterKey`, {
      values: ACTIVATION_FILTERS,
    });
    const values = (checks.list(f, 'FilterValues', `filters.${i + 1}.member.filterValues`) ?? []).map(String);
    return { key, values };
  });
  const token = checks.string(input, 'NextToken', 'nextToken');
  checks.done();
  for (const f of filters) {
    if (f.key === undefined)
      throw ssmError('InvalidFilter', "The filter name isn't valid: FilterKey is missing");
  }
  // Creation order (the records' insertion order, kept by the state file too).
  const matching = Object.values(ctx.state.ssm.activations).filter((a) =>
    filters.every((f) => {
      const v =
        f.key === 'ActivationIds' ? a.ActivationId : f.key === 'IamRole' ? a.IamRole : a.DefaultInstanceName;
      return f.values.length === 0 || (v !== undefined && f.values.includes(v));
    }),
  );
  const { items, NextToken } = page(matching, 'DescribeActivations', MaxResults ?? 50, token);
  return { ActivationList: items.map((a) => activationShape(ctx, a)), ...(NextToken ? { NextToken } : {}) };
}

export function deleteActivation(ctx: AwsContext, input: Input): Record<string, never> {
  const checks = new Checks();
  const id = checks.string(input, 'ActivationId', 'activationId', { required: true, pattern: ACTIVATION_ID });
  checks.done();
  if (!ctx.state.ssm.activations[id as string]) {
    throw ssmError('InvalidActivationId', `Activation ID ${id} is not valid: no such activation`);
  }
  delete ctx.state.ssm.activations[id as string];
  return {};
}
