import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  /** The npm name plugins import the API by (`import { definePlugin } from '<name>'`). */
  name: string;
  version: string;
  /** The folder holding package.json: the clone, or node_modules/<name> of an install. */
  root: string;
  /** What runner itself is built and tested with (a scaffolded plugin uses the same). */
  devDependencies: Record<string, string>;
}

/**
 * runner's own package.json. It is looked up from this file, not from the
 * working directory, and found by walking up because this file runs from two
 * depths: core/ in the repo (tests) and dist/core/ in the build.
 */
export function packageInfo(): PackageInfo {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Partial<PackageInfo>;
      return {
        name: json.name!,
        version: json.version!,
        root: dir,
        devDependencies: json.devDependencies ?? {},
      };
    } catch (error) {
      const parent = dirname(dir);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) throw error;
      dir = parent;
    }
  }
}
