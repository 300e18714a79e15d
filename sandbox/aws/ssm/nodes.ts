import { managedInstanceId } from '../../ids.js';
import type { SsmNode } from '../../state/model.js';
import type { AwsContext } from '../context.js';
import { codeHash, isExpired } from './activations.js';
import { ACTIVATION_ID, Checks, type Input, MANAGED_INSTANCE_ID, ssmError } from './validate.js';

/**
 * Managed nodes: what the agent's RegisterManagedInstance creates (anonymous:
 * the activation ID and code are its proof), and DeregisterManagedInstance.
 */

/** The sandbox host the request came from, as the sandbox's fake agent names it (a sandbox-only header). */
export const SANDBOX_HOST_HEADER = 'x-runner-sandbox-host';

export function registerManagedInstance(
  ctx: AwsContext,
  input: Input,
  host: string | undefined,
): { InstanceId: string } {
  const checks = new Checks();
  const code = checks.string(input, 'ActivationCode', 'activationCode', {
    required: true,
    min: 20,
    max: 250,
  });
  const id = checks.string(input, 'ActivationId', 'activationId', { required: true, pattern: ACTIVATION_ID });
  const PublicKey = checks.string(input, 'PublicKey', 'publicKey', { required: true, min: 1, max: 4096 });
  const PublicKeyType = checks.string(input, 'PublicKeyType', 'publicKeyType', {
    required: true,
    values: ['Rsa'],
  });
  const Fingerprint = checks.string(input, 'Fingerprint', 'fingerprint', {
    required: true,
    min: 1,
    max: 128,
  });
  checks.done();
  const activation = ctx.state.ssm.activations[id as string];
  if (!activation || activation.codeSha256 !== codeHash(code as string)) {
    throw ssmError(
      'InvalidActivation',
      "The activation isn't valid. The activation might have been deleted, or the ActivationId and the ActivationCode don't match.",
    );
  }
  if (isExpired(ctx, activation)) {
    throw ssmError('InvalidActivation', `Activation ${activation.ActivationId} has expired`);
  }
  if (
    activation.RegistrationsCount >= activation.RegistrationLimit ||
    ctx.faults.activationLimitReached(activation.ActivationId)
  ) {
    throw ssmError(
      'InvalidActivation',
      `Registration limit of ${activation.RegistrationLimit} reached for activation ${activation.ActivationId}`,
    );
  }
  if (host !== undefined && ctx.faults.ssmRegistrationRefused(host)) {
    throw ssmError(
      'InvalidActivation',
      `Registration of ${host} refused (sandbox fault ssmRefuseRegistration)`,
    );
  }
  const known = host === undefined ? undefined : ctx.sandboxHosts().find((h) => h.name === host);
  const InstanceId = managedInstanceId();
  activation.RegistrationsCount += 1;
  const node: SsmNode = {
    InstanceId,
    ActivationId: activation.ActivationId,
    IamRole: activation.IamRole,
    ...(activation.DefaultInstanceName ? { Name: activation.DefaultInstanceName } : {}),
    ...(known ? { host: known.name, ComputerName: known.name, IPAddress: known.address } : {}),
    PublicKey: PublicKey as string,
    PublicKeyType: PublicKeyType as string,
    Fingerprint: Fingerprint as string,
    RegistrationDate: ctx.clock(),
    // Tags given to the activation are applied to every node registered with it.
    Tags: structuredClone(activation.Tags),
  };
  ctx.state.ssm.nodes[InstanceId] = node;
  ctx.faults.ssmRegistered(Object.keys(ctx.state.ssm.activations));
  return { InstanceId };
}

/** A managed instance ID checked for shape (ValidationException) and existence (InvalidInstanceId). */
export function getNode(ctx: AwsContext, input: Input): SsmNode {
  const checks = new Checks();
  const id = checks.string(input, 'InstanceId', 'instanceId', {
    required: true,
    min: 20,
    max: 124,
    pattern: MANAGED_INSTANCE_ID,
  });
  checks.done();
  const node = ctx.state.ssm.nodes[id as string];
  if (!node) throw ssmError('InvalidInstanceId', `Instance ${id} is not a managed instance of this account`);
  return node;
}

export function deregisterManagedInstance(ctx: AwsContext, input: Input): Record<string, never> {
  const node = getNode(ctx, input);
  delete ctx.state.ssm.nodes[node.InstanceId];
  return {};
}
