import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddTagsToResourceCommand,
  CreateActivationCommand,
  DeregisterManagedInstanceCommand,
  DescribeInstanceInformationCommand,
  ListTagsForResourceCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlayStore } from '../../../core/plugin/play-state.js';
import { registrationParts } from '../../../core/plugin/registration.js';
import { runModule } from '../../../core/testing/run-module.js';
import { agentCredentials } from '../../../plugins/credentials/module.js';
import { infraOnPremises } from '../../../plugins/infra-on-premises/index.js';
import {
  registerContext,
  registerInstall,
  registerState,
  registerWait,
} from '../../../plugins/registration/steps.js';
import { bindService } from '../../../plugins/ssm/service.js';

/**
 * The register playbook's steps with the SSM service bound, on an in-memory
 * host, with the SSM API mocked: what is called with what, what the host is
 * sent, and what the user reads.
 */
const ssm = mockClient(SSMClient);
const CODE = 'Zx9Code-NeverPrinted-42';
const NODE = 'mi-0123456789abcdef0';
let vars: Record<string, unknown>;
let journalDir: string;

beforeEach(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'ssm-steps-journal-'));
  vars = {
    register_service: 'ssm',
    ssm_iam_role: 'SSMServiceRole',
    ssm_region: 'eu-west-1',
    ssm_tags: { Env: 'prod' },
    ssm_journal_dir: journalDir,
    ssm_agent_package: 'tarball',
    ssm_agent_url_base: 'https://example.test/amazon-ssm-eu-west-1/latest',
    ansible_architecture: 'x86_64',
    ansible_host: '10.0.0.5',
  };
  ssm.on(CreateActivationCommand).resolves({ ActivationId: 'act-1', ActivationCode: CODE });
  ssm.on(ListTagsForResourceCommand).resolves({ TagList: [] });
  ssm.on(AddTagsToResourceCommand).resolves({});
  ssm.on(DeregisterManagedInstanceCommand).resolves({});
});
afterEach(() => ssm.reset());

/** The agent's answers: not installed, not registered, unless a registration file is given. */
function agentResponder(registration?: string) {
  return (command: string) => {
    if (command.includes('@@agent'))
      return {
        stdout: `${registration ? `@@agent\n@@registration\n${registration}\n` : ''}@@init systemd\n`,
        exitCode: 0,
      };
    if (command.includes('mkdir -m 700')) return { stdout: '/tmp/ssm-register.AbCdEfGh\n', exitCode: 0 };
    if (command.includes('/register'))
      return {
        stdout: `Successfully registered the instance with AWS SSM using Managed instance-id: ${NODE}\n`,
        exitCode: 0,
      };
    return { exitCode: 0 };
  };
}

async function steps(
  respond = agentResponder(),
  nodes: Array<{ InstanceId: string; PingStatus?: string }> = [],
) {
  const state = new PlayStore();
  bindService(state);
  ssm
    .on(DescribeInstanceInformationCommand)
    .callsFake((input: { Filters?: unknown[] }) =>
      input.Filters
        ? { InstanceInformationList: [{ InstanceId: NODE, PingStatus: 'Online' }] }
        : { InstanceInformationList: nodes },
    );
  const run = async (module: Parameters<typeof runModule>[0]) =>
    runModule(module, {}, { vars, state, respond });
  const out = {
    context: await run(registerContext),
    target: await run(infraOnPremises),
    regState: await run(registerState),
    credentials: await run(agentCredentials),
    install: await run(registerInstall),
    wait: await run(registerWait),
  };
  return { ...out, state, parts: registrationParts(state) };
}

describe('register --service ssm, step by step', () => {
  it('makes one activation (limit, expiry, run tag), registers with its code only inside a 0600 file, waits Online, tags', async () => {
    const before = Date.now();
    const r = await steps();
    expect(r.context.result.failed).toBeFalsy();
    expect(r.context.result.msg).toBe(
      'AWS Systems Manager in eu-west-1, service role SSMServiceRole, one activation for the play',
    );
    expect(r.context.result.data?.ansible_facts).toMatchObject({ register_options: { service: 'ssm' } });
    expect(r.regState.result.msg).toBe('not registered yet');
    expect(r.credentials.result).toMatchObject({ changed: true, msg: 'made activation act-1' });
    const create = ssm.commandCalls(CreateActivationCommand)[0]!.args[0].input;
    expect(create).toMatchObject({ IamRole: 'SSMServiceRole', RegistrationLimit: 1 });
    expect(create.Tags).toEqual([
      { Key: 'runner:run', Value: expect.any(String) },
      { Key: 'Env', Value: 'prod' },
    ]);
    const expiry = (create.ExpirationDate as Date).getTime();
    expect(expiry).toBeGreaterThanOrEqual(before + 59 * 60_000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 61 * 60_000);

    expect(r.install.result).toMatchObject({
      changed: true,
      msg: `registered as ${NODE} (agent installed: tarball)`,
    });
    // The code reached the host only in the register script, 0600, in the 0700 directory.
    const script = r.install.files.get('/tmp/ssm-register.AbCdEfGh/register');
    expect(script?.mode).toBe(0o600);
    expect(script?.content).toContain(`-code ${CODE} -id act-1 -region eu-west-1 -y`);
    const everywhere = JSON.stringify([
      r.context,
      r.state,
      r.credentials,
      r.install.result,
      r.install.commands,
      r.install.logs,
      r.wait,
    ]);
    expect(everywhere).not.toContain(CODE);
    expect(
      r.install.commands.some((c) => c.includes('curl') && c.includes('linux_amd64/amazon-ssm-agent.tar.gz')),
    ).toBe(true);
    const journal = readdirSync(join(journalDir, 'ssm-eu-west-1'))
      .filter((f) => f.endsWith('.ndjson'))
      .map((f) => readFileSync(join(journalDir, 'ssm-eu-west-1', f), 'utf8'));
    expect(journal.join('')).toContain(`"op":"ssm.register","activationId":"act-1","instanceId":"${NODE}"`);
    expect(journal.join('')).not.toContain(CODE);

    expect(r.wait.result).toMatchObject({ changed: false, msg: `${NODE} is Online, tagged Env` });
    expect(ssm.commandCalls(AddTagsToResourceCommand)[0]!.args[0].input).toEqual({
      ResourceType: 'ManagedInstance',
      ResourceId: NODE,
      Tags: [{ Key: 'Env', Value: 'prod' }],
    });
    expect(ssm.commandCalls(DeregisterManagedInstanceCommand)).toHaveLength(0);
  });

  it('leaves a host registered to this account and region alone (ok, unchanged) and makes no activation', async () => {
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'Env', Value: 'prod' }] });
    const r = await steps(agentResponder(JSON.stringify({ ManagedInstanceID: NODE, Region: 'eu-west-1' })), [
      { InstanceId: NODE, PingStatus: 'Online' },
    ]);
    expect(r.regState.result).toMatchObject({ changed: false, msg: `already registered as ${NODE}` });
    for (const step of [r.credentials, r.install, r.wait]) expect(step.result.changed).toBe(false);
    expect(ssm.commandCalls(CreateActivationCommand)).toHaveLength(0);
    expect(ssm.commandCalls(AddTagsToResourceCommand)).toHaveLength(0);
  });

  it('refuses a host registered elsewhere unless ssm_reregister', async () => {
    const elsewhere = agentResponder(
      JSON.stringify({ ManagedInstanceID: 'mi-fffffffffffffffff', Region: 'us-east-1' }),
    );
    const refused = await steps(elsewhere);
    expect(refused.regState.result).toMatchObject({
      failed: true,
      msg: 'the agent is registered as mi-fffffffffffffffff (registered in us-east-1); set ssm_reregister: true to register it here',
    });
    ssm.reset();
    ssm.on(CreateActivationCommand).resolves({ ActivationId: 'act-2', ActivationCode: CODE });
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: [] });
    ssm.on(AddTagsToResourceCommand).resolves({});
    vars.ssm_reregister = true;
    // A later run: the first one's play never ended here (no afterHost released its host lock,
    // and its pid is this one, alive), so the second run keeps its journal and locks elsewhere.
    vars.ssm_journal_dir = mkdtempSync(join(tmpdir(), 'ssm-steps-journal-'));
    const again = await steps(elsewhere);
    expect(again.regState.result.msg).toMatch(/registering here \(ssm_reregister\)/);
    expect(again.install.result.msg).toBe(`registered as ${NODE}`);
  });

  it('reports an EC2 instance its instance profile already manages, and registers nothing', async () => {
    vars.ec2_instance_id = 'i-0abc';
    const r = await steps(agentResponder(), [{ InstanceId: 'i-0abc', PingStatus: 'Online' }]);
    expect(r.regState.result.msg).toBe(
      'managed by its instance profile as i-0abc: not registered with an activation',
    );
    expect(r.install.result).toMatchObject({ changed: false, msg: 'already registered' });
    expect(ssm.commandCalls(CreateActivationCommand)).toHaveLength(0);
  });

  it('deregisters the node and clears the agent when the host fails after registering', async () => {
    ssm
      .on(AddTagsToResourceCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    vars.ssm_remove_agent_on_failure = true;
    const r = await steps();
    expect(r.wait.result.failed).toBe(true);
    expect(r.wait.result.msg).toMatch(
      new RegExp(
        `^tagging ${NODE}: AccessDeniedException: not allowed \\(rolled back: deregistered ${NODE}, cleared the agent registration, removed the agent \\(tarball\\)\\)$`,
      ),
    );
    expect(ssm.commandCalls(DeregisterManagedInstanceCommand)[0]!.args[0].input).toEqual({
      InstanceId: NODE,
    });
    expect(r.wait.commands.some((c) => c.includes('amazon-ssm-agent -register -clear'))).toBe(true);
  });

  it('says what is wrong with the options in one line', async () => {
    delete vars.ssm_iam_role;
    const r = await runModule(
      registerContext,
      {},
      {
        vars,
        state: (() => {
          const s = new PlayStore();
          bindService(s);
          return s;
        })(),
      },
    );
    expect(r.result).toMatchObject({
      failed: true,
      msg: 'ssm_iam_role is required: the IAM service role the activation gives its nodes (--iam-role <role>)',
    });
  });
});
