import type { Plugin } from './plugin/types.js';

/**
 * The plugins that ship with runner, registered exactly like user plugins
 * (users can replace any module or playbook they contribute by name). Loaded
 * lazily so `runner --version` stays fast.
 */
export async function builtinPlugins(): Promise<Plugin[]> {
  const modules = await Promise.all([
    import('../plugins/core-modules/index.js'),
    import('../plugins/connections/index.js'),
    import('../plugins/inventory-aws-ec2/index.js'),
    import('../plugins/registration/index.js'),
    import('../plugins/opsworks/index.js'),
    import('../plugins/ssm/index.js'),
    import('../plugins/infra-on-premises/index.js'),
    import('../plugins/infra-ec2/index.js'),
    import('../plugins/credentials/index.js'),
    import('../plugins/checks/index.js'),
    import('../plugins/sandbox/index.js'),
  ]);
  return modules.map((m) => m.default);
}
