import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Tests that spawn `runner` run the build in dist/, so it must be the build
 * of the sources on disk: a stale dist must never be what a test checks. The
 * sources (and the build's config) are hashed; when the hash differs from the
 * one the last build recorded, this builds again, as `npm run build` does
 * (tsc, then .ci/bundle.mjs).
 */
const ROOT = new URL('../..', import.meta.url).pathname;
const SOURCES = ['core', 'plugins', 'sandbox'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'package.json', '.ci/bundle.mjs'];
const STAMP = join(ROOT, 'dist', '.source-hash');

function sourceHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...CONFIGS,
    ...SOURCES.flatMap((dir) =>
      readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(ROOT.length)),
    ),
  ].sort();
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(ROOT, file)))
      .update('\0');
  return hash.digest('hex');
}

export function ensureFreshBuild(): void {
  const want = sourceHash();
  let have = '';
  try {
    have = readFileSync(STAMP, 'utf8');
  } catch {}
  if (have === want) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  // Then the bundle the CLI and the package's entry points load (npm run build's second step).
  execFileSync(process.execPath, [join(ROOT, '.ci/bundle.mjs')], { cwd: ROOT, stdio: 'inherit' });
  writeFileSync(STAMP, want);
}
