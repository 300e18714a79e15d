#!/usr/bin/env node
// The `runner` executable. It runs the TypeScript sources directly through
// tsx's loader (no build step to forget), which also lets configs, plugins and
// playbooks written in TypeScript load as they are.
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
// Imported after the handlers above: loading tsx is part of the moment they cover.
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
