import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeInstancesCommand, OpsWorksClient, RegisterInstanceCommand } from '@aws-sdk/client-opsworks';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index.js';
import { clientConfig } from './support.js';

describe('sandbox state persisted to a directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-sandbox-persist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reloads stacks, instances, IAM entities, host keys and instance IDs on the next start', async () => {
    const first = await startSandbox({ hosts: 2, dir });
    const ow = new OpsWorksClient(clientConfig(first));
    const { InstanceId } = await ow.send(
      new RegisterInstanceCommand({ StackId: first.stackId, Hostname: 'kept' }),
    );
    await new IAMClient(clientConfig(first)).send(new CreateUserCommand({ UserName: 'kept-user' }));
    const before = {
      stackId: first.stackId,
      hosts: first.hosts.map((h) => [h.name, h.hostPublicKey, h.instanceId]),
    };
    await first.stop();
    expect(statSync(join(dir, 'state.json')).mode & 0o777).toBe(0o600);

    const second = await startSandbox({ hosts: 2, dir });
    try {
      expect(second.stackId).toBe(before.stackId);
      expect(second.hosts.map((h) => [h.name, h.hostPublicKey, h.instanceId])).toEqual(before.hosts);
      const again = new OpsWorksClient(clientConfig(second));
      const i = (await again.send(new DescribeInstancesCommand({ InstanceIds: [InstanceId as string] })))
        .Instances?.[0];
      expect(i?.Hostname).toBe('kept');
      const user = await new IAMClient(clientConfig(second)).send(
        new GetUserCommand({ UserName: 'kept-user' }),
      );
      expect(user.User?.UserName).toBe('kept-user');
      await second.reset();
      expect(second.state().instances).toEqual([]);
      expect(second.state().stacks.map((s) => s.StackId)).toEqual([before.stackId]);
    } finally {
      await second.stop();
    }
  });
});
