#!/usr/bin/env node
// The `runner` executable. It runs runner's compiled JavaScript: from an
// install this file is dist/core/cli/bin.mjs, beside the compiled main.js;
// run as core/cli/bin.mjs in a clone, it runs the build in dist/ (`npm install`
// or `npm run build` makes it). TypeScript is compiled only for users' own
// files (configs, plugins, playbooks), when one is loaded.

// The AWS SDK warns on every run under Node 20 that *future* SDK releases will
// need Node 22. runner pins SDK versions that support Node 20, so the warning
// says nothing to an operator; it would only bury the run's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Ctrl-C or SIGTERM before a command installs its own handler (loading takes a moment)
// still ends with the interrupted exit code, 99, not the shell's 130.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (process.listenerCount(signal) === 1) process.exit(99);
  });
}

// `runner --version` answers from package.json without loading the CLI, as
// fast as Node starts (scripts and completions call it often).
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  // ../../package.json from core/cli/ in a clone, ../../../ from dist/core/cli/ in an install.
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const { bin, version } = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8'));
      if (bin?.runner) {
        process.stdout.write(`${version}\n`);
        process.exit(0);
      }
    } catch {}
  }
}

// Node >= 22.1 can keep V8's compiled code of runner's modules on disk, so a
// second run skips most of the compiling that dominates a short command. Node
// 20 has no such function: there every run compiles, as before. The cache is
// Node's own (in the OS temp dir, or NODE_COMPILE_CACHE's), checked against
// each file's contents; a failure to use it only costs the speed-up.
const { enableCompileCache } = await import('node:module');
try {
  enableCompileCache?.();
} catch {}

const built = import.meta.url.includes('/dist/core/cli/');
const entry = new URL(built ? './main.js' : '../../dist/core/cli/main.js', import.meta.url);
let main;
try {
  ({ main } = await import(entry.href));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(entry.pathname)) throw error;
  process.stderr.write(`runner: not built: ${entry.pathname} is missing (run "npm run build")\n`);
  process.exit(1);
}
process.exitCode = await main(argv);
