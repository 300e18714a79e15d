import type { Command } from 'commander';
import { registerSandboxCommands } from '../../sandbox/cli.js';

/**
 * `runner sandbox start|status|reset`. Its own light file: every `runner`
 * command declares it, the sandbox plugin's code loads only when used.
 */
export function sandboxCli(program: Command): void {
  registerSandboxCommands(program);
}
