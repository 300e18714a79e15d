#!/usr/bin/env node
// The `runner` executable. It runs the TypeScript sources directly through
// tsx's loader (no build step to forget), which also lets configs, plugins and
// playbooks written in TypeScript load as they are.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every run under Node 20 that *future* SDK releases will
// need Node 22. runner pins SDK versions that support Node 20, so the warning
// says nothing to an operator; it would only bury the run's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
