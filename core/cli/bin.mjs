#!/usr/bin/env node
// The `runner` executable. It runs the TypeScript sources directly through
// tsx's loader (no build step to forget), which also lets configs, plugins and
// playbooks written in TypeScript load as they are.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
