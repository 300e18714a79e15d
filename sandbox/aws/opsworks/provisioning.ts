import type { AwsContext } from '../context.js';

/**
 * DescribeStackProvisioningParameters: where the agent installer lives and the
 * parameters the installer's preconfig carries. Every endpoint points at the
 * sandbox itself (plain HTTP on loopback, so `*_use_ssl` is false).
 */
export function provisioningParameters(ctx: AwsContext): {
  AgentInstallerUrl: string;
  Parameters: Record<string, string>;
} {
  const url = new URL(ctx.endpoint());
  const host = url.hostname;
  const port = url.port || '80';
  const endpoint = (name: string) => ({
    [`${name}_endpoint`]: host,
    [`${name}_port`]: port,
    [`${name}_region`]: ctx.region,
    [`${name}_ssl_verify_peer`]: 'false',
    [`${name}_use_ssl`]: 'false',
  });
  return {
    AgentInstallerUrl: `${ctx.endpoint()}/${ctx.installerBucket}/${ctx.installerKey}`,
    Parameters: {
      agent_installer_base_url: `${url.host}/${ctx.installerBucket}`,
      agent_installer_tgz: ctx.installerKey,
      assets_download_bucket: `${url.host}/${ctx.assetsBucket}`,
      charlie_public_key: ctx.charliePublicKey,
      ...endpoint('instance_service'),
      ...endpoint('ops_works'),
      verbose: 'false',
      wait_between_runs: '30',
    },
  };
}
