import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * An AWS CLI config file that loads the sandbox's endpoint plugin (its IAM
 * client too, which `aws opsworks register` builds without --endpoint-url),
 * for Debian's AWS CLI 2.9. Point AWS_CONFIG_FILE at it; the credentials and
 * AWS_ENDPOINT_URL stay in the environment (`runner sandbox env`).
 */
const pluginDir = dirname(fileURLToPath(import.meta.url));

export function awsCliConfig(region: string): string {
  return [
    '[default]',
    `region = ${region}`,
    '',
    '[plugins]',
    `cli_legacy_plugin_path = ${pluginDir}`,
    'runner_sandbox_endpoint = runner_sandbox_endpoint',
    '',
  ].join('\n');
}

export function writeAwsCliConfig(path: string, region: string): void {
  writeFileSync(path, awsCliConfig(region), { mode: 0o644 });
}
