import type * as Ec2 from '@aws-sdk/client-ec2';
import { lazyRequire } from '../../core/lazy-require.js';

/** The EC2 SDK, loaded on first use (see core/lazy-require.ts). */
export const ec2Sdk = lazyRequire<typeof Ec2>('@aws-sdk/client-ec2');
