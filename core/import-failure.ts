import { fileURLToPath } from 'node:url';
import { RunnerError } from './errors.js';

const ESM_IN_COMMONJS = new Set(['ERR_REQUIRE_ESM', 'ERR_REQUIRE_CYCLE_MODULE', 'ERR_REQUIRE_ASYNC_MODULE']);

/** A path or file URL as Node or tsx print it, without tsx's `?namespace=` query. */
function cleanPath(where: string): string {
  const bare = where.trim().replace(/[?#].*$/, '');
  return bare.startsWith('file:') ? fileURLToPath(bare) : bare;
}

/**
 * What went wrong importing a user's file (config, plugin or playbook), as one
 * line that names the specifier that could not be resolved and the file that
 * imported it, and says what to do. Anything else is passed through.
 */
export function importFailure(error: unknown, file: string): unknown {
  if (!(error instanceof Error)) return error;
  const { code } = error as NodeJS.ErrnoException;
  const message = error.message.split('\n')[0] ?? '';
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    // ESM: "Cannot find package 'x' imported from /a/b.ts"; CommonJS: "Cannot find module 'x'" plus a require stack.
    const found = /Cannot find (?:package|module) '([^']+)'(?: imported from (.+))?/.exec(message);
    const stack = (error as { requireStack?: string[] }).requireStack;
    if (found) {
      const specifier = found[1]!.startsWith('file:') ? cleanPath(found[1]!) : found[1]!;
      const importer = found[2] ? cleanPath(found[2]) : stack?.[0] ? cleanPath(stack[0]) : file;
      const local = specifier.startsWith('.') || specifier.startsWith('/');
      const hint = local
        ? 'no such file (ES modules name files with their extension)'
        : `install it where that file can find it (npm install ${packageOf(specifier)} in its folder or a parent)`;
      return new RunnerError(
        'IMPORT_FAILED',
        `cannot resolve "${specifier}" imported from ${importer}: ${hint}`,
        {
          cause: error,
        },
      );
    }
  }
  const esmSyntax = /Cannot use import statement outside a module|Unexpected token 'export'/.test(message);
  if ((code && ESM_IN_COMMONJS.has(code)) || esmSyntax) {
    return new RunnerError(
      'IMPORT_FAILED',
      `${file} uses import/export but loads as CommonJS: rename it to .mjs, or add "type": "module" to the package.json of its folder (${message})`,
      { cause: error },
    );
  }
  return error;
}

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
