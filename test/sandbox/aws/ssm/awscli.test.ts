import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../../sandbox/index.js';
import { awsCli, awsCliPresent } from '../../aws-cli.js';
import { registerManagedInstance } from './register.js';

/**
 * Debian's AWS CLI v2.9 (by its exact path) against the sandbox's SSM:
 * create-activation, describe-activations, describe-instance-information,
 * tags and deregistration, as an operator checks a hybrid fleet. Credentials
 * go in the environment, never on the command line.
 */
const present = awsCliPresent('the AWS CLI SSM interop tests');

describe.skipIf(!present)('the sandbox SSM through /usr/bin/aws (CLI v2.9)', () => {
  let sb: Sandbox;
  let home: string;
  beforeAll(async () => {
    sb = await startSandbox({ hosts: 0 });
    home = mkdtempSync(join(tmpdir(), 'runner-awscli-ssm-'));
  });
  afterAll(async () => {
    await sb.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const aws = (...args: string[]) => awsCli(sb, home, args);

  it('create-activation, describe-activations, then describe-instance-information lists the nodes Online with their tags', async () => {
    const created = await aws(
      'ssm',
      'create-activation',
      '--iam-role',
      'SSMServiceRole',
      '--registration-limit',
      '2',
      '--default-instance-name',
      'cli-node',
      '--tags',
      'Key=runner:run,Value=cli',
    );
    expect(created.stderr).toBe('');
    const activation = JSON.parse(created.stdout) as { ActivationId: string; ActivationCode: string };
    expect(activation.ActivationId).toMatch(/^[0-9a-f-]{36}$/);

    const described = JSON.parse((await aws('ssm', 'describe-activations')).stdout);
    expect(described.ActivationList).toHaveLength(1);
    expect(described.ActivationList[0]).toMatchObject({
      ActivationId: activation.ActivationId,
      IamRole: 'SSMServiceRole',
      RegistrationLimit: 2,
      RegistrationsCount: 0,
      Expired: false,
      Tags: [{ Key: 'runner:run', Value: 'cli' }],
    });

    const ids: string[] = [];
    for (let i = 0; i < 2; i++)
      ids.push((await registerManagedInstance(sb, activation)).body.InstanceId as string);
    const info = await aws('ssm', 'describe-instance-information');
    expect(info.stderr).toBe('');
    const list = JSON.parse(info.stdout).InstanceInformationList as Array<Record<string, unknown>>;
    expect(list.map((n) => n.InstanceId)).toEqual(ids);
    expect(list.map((n) => n.PingStatus)).toEqual(['Online', 'Online']);
    expect(list[0]).toMatchObject({
      ActivationId: activation.ActivationId,
      ResourceType: 'ManagedInstance',
      Name: 'cli-node',
    });

    const filtered = await aws(
      'ssm',
      'describe-instance-information',
      '--filters',
      `Key=InstanceIds,Values=${ids[1]}`,
    );
    expect(
      JSON.parse(filtered.stdout).InstanceInformationList.map((n: { InstanceId: string }) => n.InstanceId),
    ).toEqual([ids[1]]);
    const tags = await aws(
      'ssm',
      'list-tags-for-resource',
      '--resource-type',
      'ManagedInstance',
      '--resource-id',
      ids[0],
    );
    expect(JSON.parse(tags.stdout).TagList).toEqual([{ Key: 'runner:run', Value: 'cli' }]);

    expect((await aws('ssm', 'delete-activation', '--activation-id', activation.ActivationId)).code).toBe(0);
    expect(JSON.parse((await aws('ssm', 'describe-activations')).stdout).ActivationList).toEqual([]);
    expect((await aws('ssm', 'deregister-managed-instance', '--instance-id', ids[0])).code).toBe(0);
    const after = JSON.parse(
      (await aws('ssm', 'describe-instance-information')).stdout,
    ).InstanceInformationList;
    expect(after.map((n: { InstanceId: string }) => n.InstanceId)).toEqual([ids[1]]);
  });

  it('shows the service errors as the CLI reports them', async () => {
    const bad = await aws('ssm', 'describe-instance-information', '--filters', 'Key=Color,Values=red');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('InvalidFilterKey');
    const unknown = await aws('ssm', 'deregister-managed-instance', '--instance-id', 'mi-0123456789abcdef0');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('InvalidInstanceId');
  });
});
