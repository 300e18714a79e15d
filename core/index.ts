/**
 * The public API of runner, for plugin authors and programmatic use. The CLI
 * is a thin shell over these same functions.
 */

// The zod that checks module args: plugins write their schemas with this very
// instance, so `runner doc` can read them and no second copy is needed.
export { z } from 'zod';
export type { RunnerConfig } from './config/define-config.js';
export { defineConfig } from './config/define-config.js';
export { loadConfig } from './config/load-config.js';
export { shQuote } from './connection/quote.js';
export type * from './connection/types.js';
export type { RunnerErrorCode } from './errors.js';
export { isRunnerError, RunnerError } from './errors.js';
export { Inventory, loadInventory, selectHosts } from './inventory/index.js';
export type * from './inventory/types.js';
export type * from './output/events.js';
export { recordingReporter } from './output/reporters/recording.js';
export type { RunOutcome, RunPlaybookOptions } from './play/executor.js';
export { runPlaybook } from './play/executor.js';
export type { PlaybookDefinition, PlayDefinition, TaskDefinition } from './play/model.js';
export { definePlaybook } from './play/model.js';
export type { RunPlayOptions } from './play/run-play.js';
export { loadProject, runPlay } from './play/run-play.js';
export { evaluate, render } from './play/template.js';
export { defineModule, definePlugin } from './plugin/define-plugin.js';
export type { PlayState, PlayStateKey } from './plugin/play-state.js';
export { definePlayState, PlayStore } from './plugin/play-state.js';
export type * from './plugin/registration.js';
export {
  bindService,
  DEFAULT_SERVICE,
  hostRegistration,
  REGISTRATION,
  registrationNames,
  registrationParts,
  registrationStep,
  serviceFor,
  serviceName,
} from './plugin/registration.js';
export { PluginRegistry } from './plugin/registry.js';
export type * from './plugin/types.js';
export {
  errorLine,
  isThrottling,
  isTransient,
  limited,
  RateLimiter,
  retrying,
  retryNotices,
  withRetries,
} from './retry.js';
export { isSecret, redact, Secret, secret } from './secret.js';
