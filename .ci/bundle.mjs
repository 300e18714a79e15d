// Bundles runner's own code into a few files in dist/bundle/, after `tsc`
// (which emits dist/ file for file, with the declarations). Why: Node spends
// most of a short command's start-up resolving, reading and linking ~350
// small ES modules (runner's and zod's); one bundle with code-split chunks
// loads in a fraction of that. The package's entry points (dist/core/index.js,
// dist/core/testing/index.js, dist/core/cli/main.js) become one-line
// re-exports of the bundle, so the CLI and a user's plugin importing `runner`
// share the very same module instances (the chunks).
//
//   node .ci/bundle.mjs        (run by `npm run build`, after tsc)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist', 'bundle');

/** entry name in dist/bundle -> [source, the dist file that re-exports it]. */
const ENTRIES = {
  main: ['core/cli/main.ts', 'dist/core/cli/main.js'],
  api: ['core/index.ts', 'dist/core/index.js'],
  testing: ['core/testing/index.ts', 'dist/core/testing/index.js'],
};

// Left to Node: packages with native add-ons or their own file layout at run
// time (ssh2's optional cpu-features, cosmiconfig's import-fresh reading
// __filename), packages runner already loads lazily (the AWS SDK), and the
// compilers users' TypeScript files need (tsx, esbuild, typescript).
const EXTERNAL = [
  'ssh2',
  'cpu-features',
  'cosmiconfig',
  'typescript',
  'tsx',
  'tsx/*',
  'esbuild',
  '@aws-sdk/*',
  '@smithy/*',
];

/**
 * Code that finds files beside itself (`new URL('./module-hooks.mjs',
 * import.meta.url)`, the sandbox's agent scripts, createRequire) keeps doing
 * so from its place in dist/: every bundled file lives in dist/bundle/, so
 * its own URL is rewritten relative to that folder.
 */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const built = join(ROOT, 'dist', relative(ROOT, args.path)).replace(/\.ts$/, '.js');
      const rel = relative(OUT, built).split('\\').join('/');
      return {
        contents: source.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(rel)}, import.meta.url).href`,
        ),
        loader: 'ts',
      };
    });
  },
};

/**
 * zod re-exports all of its ~40 message locales as `z.locales` (357 KB, half
 * of zod in the bundle), and a namespace import (`import { z } from 'zod'`)
 * keeps them all. runner sets no locale; zod itself loads English, which
 * stays. Plugins that import zod get their own copy, untouched.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: "export { default as en } from './en.js';\n",
      loader: 'js',
    }));
  },
};

rmSync(OUT, { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, [source]]) => [name, source])),
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  tsconfig: 'tsconfig.build.json',
  external: EXTERNAL,
  plugins: [ownUrl, zodEnglishOnly],
  // CommonJS packages inside the bundle (yaml, nunjucks, commander) call require().
  banner: {
    js: "import { createRequire as __runnerRequire } from 'node:module'; const require = __runnerRequire(import.meta.url);",
  },
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
for (const [name, [, stub]] of Object.entries(ENTRIES)) {
  const file = join(ROOT, stub);
  mkdirSync(dirname(file), { recursive: true });
  const target = relative(dirname(file), join(OUT, `${name}.js`))
    .split('\\')
    .join('/');
  writeFileSync(
    file,
    `// Built by .ci/bundle.mjs: the code lives in dist/bundle/.\nexport * from './${target}';\n`,
  );
}
