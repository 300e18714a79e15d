import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateActivationCommand,
  DescribeActivationsCommand,
  DescribeInstanceInformationCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../../sandbox/index.js';
import { clientConfig } from '../../support.js';
import { registerManagedInstance } from './register.js';

describe('SSM state across a sandbox restart', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keeps activations (a code still registers) and nodes, with the code nowhere in the state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-ssm-persist-'));
    dirs.push(dir);
    const first = await startSandbox({ hosts: 0, dir });
    const activation = await new SSMClient(clientConfig(first)).send(
      new CreateActivationCommand({ IamRole: 'SSMServiceRole', RegistrationLimit: 2 }),
    );
    const before = (await registerManagedInstance(first, activation)).body.InstanceId;
    await first.stop();
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).not.toContain(activation.ActivationCode);

    const second = await startSandbox({ hosts: 0, dir });
    try {
      const ssm = new SSMClient(clientConfig(second));
      const { ActivationList } = await ssm.send(new DescribeActivationsCommand({}));
      expect(ActivationList?.map((a) => [a.ActivationId, a.RegistrationsCount])).toEqual([
        [activation.ActivationId, 1],
      ]);
      const after = (await registerManagedInstance(second, activation)).body.InstanceId;
      const nodes = (await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList;
      expect(nodes?.map((n) => n.InstanceId)).toEqual([before, after]);
    } finally {
      await second.stop();
    }
  });

  it('loads a state file written before the sandbox spoke SSM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-ssm-persist-'));
    dirs.push(dir);
    await (await startSandbox({ hosts: 0, dir })).stop();
    const file = join(dir, 'state.json');
    const old = JSON.parse(readFileSync(file, 'utf8'));
    delete old.aws.ssm;
    writeFileSync(file, JSON.stringify(old));
    const sb = await startSandbox({ hosts: 0, dir });
    try {
      const ssm = new SSMClient(clientConfig(sb));
      expect((await ssm.send(new DescribeActivationsCommand({}))).ActivationList).toEqual([]);
      expect(
        (await ssm.send(new CreateActivationCommand({ IamRole: 'SSMServiceRole' }))).ActivationId,
      ).toBeTruthy();
    } finally {
      await sb.stop();
    }
  });
});
