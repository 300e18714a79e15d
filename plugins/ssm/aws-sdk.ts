import type * as Ssm from '@aws-sdk/client-ssm';
import { lazyRequire } from '../../core/lazy-require.js';

/** The SSM SDK, loaded on first use (see core/lazy-require.ts): an OpsWorks run never loads it. */
export const ssmSdk = lazyRequire<typeof Ssm>('@aws-sdk/client-ssm');
