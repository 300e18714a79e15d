import { createRequire } from 'node:module';
import type * as Ec2 from '@aws-sdk/client-ec2';
import type * as Iam from '@aws-sdk/client-iam';
import type * as OpsWorks from '@aws-sdk/client-opsworks';
import type * as S3 from '@aws-sdk/client-s3';
import type * as Providers from '@aws-sdk/credential-providers';

/**
 * The AWS SDK packages, loaded on first use. Loading them takes about a second
 * on a busy machine, and every `runner` command loads the built-in plugins, so
 * these plugins import only types at the top and reach the SDK through here.
 * The packages are CommonJS (no `exports` map), so `require` returns the very
 * module instances an `import` would: mocks and `instanceof` keep working.
 */
const require = createRequire(import.meta.url);

export const opsworksSdk = (): typeof OpsWorks => require('@aws-sdk/client-opsworks');
export const iamSdk = (): typeof Iam => require('@aws-sdk/client-iam');
export const ec2Sdk = (): typeof Ec2 => require('@aws-sdk/client-ec2');
export const s3Sdk = (): typeof S3 => require('@aws-sdk/client-s3');
export const credentialProvidersSdk = (): typeof Providers => require('@aws-sdk/credential-providers');
