import { createSign, createVerify } from 'node:crypto';
import type { AwsContext, Ec2Host } from '../aws/context.js';

/**
 * The instance identity document of an EC2-class host, as the metadata
 * service serves it, and its signature by the sandbox's own key (standing in
 * for AWS's): RegisterInstance checks it, so a forged identity is refused.
 */
export function identityDocument(ctx: AwsContext, host: Ec2Host): string {
  return JSON.stringify(
    {
      accountId: ctx.accountId,
      architecture: 'x86_64',
      availabilityZone: host.availabilityZone,
      imageId: 'ami-0sandbox000000000',
      instanceId: host.instanceId,
      instanceType: 't3.micro',
      pendingTime: host.launchTime,
      privateIp: host.privateIp,
      region: ctx.region,
      version: '2017-09-30',
    },
    null,
    2,
  );
}

export function signIdentity(ctx: AwsContext, document: string): string {
  return createSign('sha256').update(document).sign(ctx.identityKeys.privateKey).toString('base64');
}

export function identityIsGenuine(ctx: AwsContext, document: string, signature: string): boolean {
  try {
    return createVerify('sha256')
      .update(document)
      .verify(ctx.identityKeys.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
