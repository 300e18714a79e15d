import type * as Providers from '@aws-sdk/credential-providers';
import { lazyRequire } from '../../core/lazy-require.js';

/** The SDK's credential providers, loaded on first use (see core/lazy-require.ts). */
export const credentialProvidersSdk = lazyRequire<typeof Providers>('@aws-sdk/credential-providers');
