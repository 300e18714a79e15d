import type { BecomeSpec } from '../connection/types.js';
import type { Vars } from '../inventory/types.js';
import type { Secret } from '../secret.js';
import { becomeRequested, connectionSpecFromVars } from './connection-spec.js';
import type { PlayDefinition, TaskDefinition } from './model.js';
import { render } from './template.js';

/** The escalation a task runs with: task keywords over play keywords over `ansible_become*` vars. */
export function taskBecome(
  host: string,
  play: PlayDefinition,
  task: TaskDefinition,
  vars: Vars,
  runBecomePassword?: Secret,
): BecomeSpec | undefined {
  const wanted = task.become ?? play.become ?? becomeRequested(vars);
  if (!wanted) return undefined;
  const spec = connectionSpecFromVars(host, vars).become!;
  const user = task.becomeUser ?? play.becomeUser ?? spec.user ?? 'root';
  return {
    ...spec,
    password: spec.password ?? runBecomePassword,
    method: play.becomeMethod ?? spec.method,
    user: String(render(user, vars)),
  };
}
