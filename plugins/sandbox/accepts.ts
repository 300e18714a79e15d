/**
 * Which files the runner_sandbox inventory source reads: named sandbox.yml,
 * sandbox.yaml, *.sandbox.yml or *.sandbox.yaml, with `plugin: runner_sandbox`.
 * Its own file, without imports: the run asks it about every inventory file,
 * and the sandbox plugin's code loads only for a file it accepts.
 */
const FILE_NAME = /(^|[/.])sandbox\.ya?ml$/;
const PLUGIN_LINE = /^plugin:\s*['"]?runner_sandbox['"]?\s*(?:#.*)?$/m;

export function acceptsSandboxInventory(path: string, head: string): boolean {
  return FILE_NAME.test(path) && PLUGIN_LINE.test(head);
}
