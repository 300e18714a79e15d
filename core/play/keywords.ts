/**
 * The playbook subset `runner` implements. Anything else is refused before any
 * host is touched, naming the file, line and keyword: silently ignoring a
 * keyword a user relied on is worse than refusing it.
 */
export const PLAY_KEYWORDS = new Set([
  'name',
  'hosts',
  'vars',
  'vars_files',
  'gather_facts',
  'become',
  'become_user',
  'become_method',
  'serial',
  'strategy',
  'max_fail_percentage',
  'any_errors_fatal',
  'tags',
  'tasks',
]);

export const TASK_KEYWORDS = new Set([
  'name',
  'when',
  'register',
  'ignore_errors',
  'changed_when',
  'failed_when',
  'retries',
  'until',
  'delay',
  'become',
  'become_user',
  'vars',
  'tags',
  'loop',
  'with_items',
  'args',
  'no_log',
]);
