import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { credentialProvidersSdk } from './aws-sdk.js';

/** The controller credential modes this plugin provides. */
export type ControllerCredentials = 'default' | 'profile' | 'env' | 'instance-role';

/**
 * Controller credential modes: whose AWS identity runner (the workstation)
 * uses for OpsWorks, IAM, EC2 and S3.
 *  - `default`: the SDK's default chain (env, SSO, shared files, web identity, container, instance role);
 *  - `profile`: a named profile from ~/.aws/config and ~/.aws/credentials (`--profile`);
 *  - `env`: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN only;
 *  - `instance-role`: the EC2 instance's role from IMDSv2, even when credentials are installed
 *    (which the default chain would prefer, and which can lack permissions).
 */
export function credentialProvider(
  mode: ControllerCredentials,
  profile?: string,
): AwsCredentialIdentityProvider {
  switch (mode) {
    case 'profile':
      return credentialProvidersSdk().fromIni({ profile });
    case 'env':
      return credentialProvidersSdk().fromEnv();
    case 'instance-role':
      return credentialProvidersSdk().fromInstanceMetadata({ maxRetries: 2, timeout: 2000 });
    default:
      return credentialProvidersSdk().fromNodeProviderChain(profile ? { profile } : {});
  }
}

export interface ShadowFacts {
  envKeys: boolean;
  sharedCredentialsFile: boolean;
  onEc2: boolean;
}

/** The warning when installed credentials would take precedence over the instance role in the default chain. */
export function shadowWarning(mode: ControllerCredentials, facts: ShadowFacts): string | undefined {
  if (mode !== 'default' || !facts.onEc2) return undefined;
  const where = [
    facts.envKeys ? 'AWS_ACCESS_KEY_ID in the environment' : undefined,
    facts.sharedCredentialsFile ? 'a shared credentials file' : undefined,
  ].filter(Boolean);
  if (where.length === 0) return undefined;
  return `this controller is an EC2 instance, but ${where.join(' and ')} take precedence over its instance role in the default credential chain (installed credentials are a security risk and may lack permissions); set opsworks_controller_credentials=instance-role to use the role`;
}

/** What the controller looks like, from local files and the environment only (no network). */
export function shadowFacts(env: NodeJS.ProcessEnv = process.env): ShadowFacts {
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return '';
    }
  };
  const onEc2 =
    /amazon ec2/i.test(read('/sys/devices/virtual/dmi/id/board_vendor')) ||
    read('/sys/hypervisor/uuid').toLowerCase().startsWith('ec2');
  return {
    envKeys: Boolean(env.AWS_ACCESS_KEY_ID),
    sharedCredentialsFile: existsSync(
      env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials'),
    ),
    onEc2,
  };
}
