import { createRequire } from 'node:module';

/**
 * A package loaded on first use, not when its plugin is imported: every
 * `runner` command loads the built-in plugins, and a large SDK takes about a
 * second to load on a busy machine. Import only its types at the top and call
 * the returned function where the package is needed. For CommonJS packages
 * (no `exports` map) `require` returns the very module instance an `import`
 * would, so mocks and `instanceof` keep working.
 */
const require = createRequire(import.meta.url);

export function lazyRequire<T>(id: string): () => T {
  return () => require(id) as T;
}
