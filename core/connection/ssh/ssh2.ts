import type * as Ssh2 from 'ssh2';
import { lazyRequire } from '../../lazy-require.js';

/**
 * ssh2, loaded when the first SSH connection opens: it takes over 0.1 s of CPU
 * to load, which a local play, `runner inventory` or `--help`
 * would otherwise pay. CommonJS, so `require` gives the very instance an
 * `import` would (its `utils` is not one of the exports Node's ESM loader
 * detects, another reason to take the CommonJS object).
 */
export const ssh2 = lazyRequire<typeof Ssh2>('ssh2');
