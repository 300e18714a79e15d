import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from '../../sandbox/index.js';

/**
 * Debian's AWS CLI v2.9 by its exact path (a newer `aws` earlier on PATH has dropped OpsWorks),
 * pointed at a sandbox. Credentials go in the environment, never on the command line.
 */
export const AWS = '/usr/bin/aws';

/** Whether the CLI is here; in CI its absence is an error, elsewhere the suite says why it skips. */
export function awsCliPresent(suite: string): boolean {
  if (existsSync(AWS)) return true;
  if (process.env.CI)
    throw new Error(`${AWS} is required in CI for the sandbox interop tests (apt-get install awscli)`);
  console.warn(`skipping ${suite}: ${AWS} is not installed (apt-get install awscli); CI requires it`);
  return false;
}

export interface AwsCliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `aws --endpoint-url <sandbox> --output json …` with a private HOME and the sandbox's keys. */
export function awsCli(sb: Sandbox, home: string, args: string[]): Promise<AwsCliResult> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: sb.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sb.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: sb.region,
    AWS_PAGER: '',
  };
  return new Promise((resolve) => {
    execFile(
      AWS,
      ['--endpoint-url', sb.endpoint, '--output', 'json', ...args],
      { env, timeout: 300_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
