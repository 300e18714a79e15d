import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client, DescribeInstancesCommand as Ec2DescribeInstances } from '@aws-sdk/client-ec2';
import {
  DescribeStackProvisioningParametersCommand,
  DescribeStacksCommand,
  OpsWorksClient,
} from '@aws-sdk/client-opsworks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlayStore } from '../../../core/plugin/play-state.js';
import { runModule } from '../../../core/testing/run-module.js';
import { infraEc2 } from '../../../plugins/infra-ec2/index.js';
import { opsworksStack } from '../../../plugins/opsworks/modules/stack.js';

/**
 * OpsWorks, S3 and EC2 calls are retried like IAM's: a transient failure
 * (timeout, reset, 5xx, throttling, `fetch failed`) is tried again with
 * backoff and said so on the host; a permanent one fails at once, in one line.
 */
const opsworks = mockClient(OpsWorksClient);
const ec2 = mockClient(EC2Client);
const STACK = { StackId: 'stack-1', Name: 'shop', Arn: 'arn:x', Region: 'us-east-1', VpcId: 'vpc-1' };
let vars: Record<string, unknown>;

const transient = () =>
  Object.assign(new Error('Service Unavailable'), {
    name: 'ServiceUnavailable',
    $metadata: { httpStatusCode: 503 },
  });
const fetchFailed = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });

beforeEach(() => {
  vars = {
    opsworks_stack_id: 'stack-1',
    opsworks_region: 'us-east-1',
    opsworks_journal_dir: mkdtempSync(join(tmpdir(), 'retries-journal-')),
  };
  opsworks
    .on(DescribeStackProvisioningParametersCommand)
    .resolves({ AgentInstallerUrl: 'https://b.s3.amazonaws.com/k', Parameters: {} });
});
afterEach(() => {
  opsworks.reset();
  ec2.reset();
});

describe('retries of OpsWorks and EC2 calls', () => {
  it('retries a transient failure once, says so on the host, and succeeds', async () => {
    opsworks
      .on(DescribeStacksCommand)
      .rejectsOnce(transient())
      .resolves({ Stacks: [STACK] });
    const run = await runModule(opsworksStack, {}, { host: 'web1', vars });
    expect(run.result).toMatchObject({ changed: false, msg: 'stack shop (stack-1) in us-east-1, vpc-1' });
    expect(opsworks.commandCalls(DescribeStacksCommand)).toHaveLength(2);
    expect(run.warnings).toEqual([
      'OpsWorks DescribeStacks: ServiceUnavailable: Service Unavailable: transient, retrying (attempt 2 of 8)',
    ]);
  });

  it('fails a permanent error at once, in one line, without a retry', async () => {
    opsworks.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('User is not authorized\nto DescribeStacks'), {
        name: 'AccessDeniedException',
      }),
    );
    const run = await runModule(opsworksStack, {}, { host: 'web1', vars });
    expect(run.result).toEqual({
      changed: false,
      failed: true,
      msg: 'DescribeStacks stack-1: AccessDeniedException: User is not authorized to DescribeStacks',
    });
    expect(opsworks.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    expect(run.warnings).toEqual([]);
  });

  it("retries EC2's `fetch failed` for the ec2 infrastructure class", async () => {
    opsworks.on(DescribeStacksCommand).resolves({ Stacks: [STACK] });
    ec2
      .on(Ec2DescribeInstances)
      .rejectsOnce(fetchFailed())
      .resolves({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-0abc',
                VpcId: 'vpc-1',
                PublicIpAddress: '10.0.0.5',
                State: { Name: 'running' },
              },
            ],
          },
        ],
      });
    const state = new PlayStore();
    vars = { ...vars, opsworks_infrastructure_class: 'ec2', ansible_host: '10.0.0.5' };
    await runModule(opsworksStack, {}, { host: 'web1', vars, state });
    const run = await runModule(infraEc2, {}, { host: 'web1', vars, state });
    await state.dispose();
    expect(run.result).toMatchObject({ changed: false, msg: 'EC2 i-0abc at 10.0.0.5' });
    expect(run.warnings).toEqual([
      'EC2 DescribeInstances: TypeError: fetch failed: transient, retrying (attempt 2 of 8)',
    ]);
  });
});
