import type * as Iam from '@aws-sdk/client-iam';
import type * as OpsWorks from '@aws-sdk/client-opsworks';
import type * as S3 from '@aws-sdk/client-s3';
import { lazyRequire } from '../../core/lazy-require.js';

/** The AWS SDK packages this plugin calls, loaded on first use (see core/lazy-require.ts). */
export const opsworksSdk = lazyRequire<typeof OpsWorks>('@aws-sdk/client-opsworks');
export const iamSdk = lazyRequire<typeof Iam>('@aws-sdk/client-iam');
export const s3Sdk = lazyRequire<typeof S3>('@aws-sdk/client-s3');
