import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  AssignInstanceCommand,
  DescribeInstancesCommand,
  DescribeStackProvisioningParametersCommand,
  DescribeStacksCommand,
  OpsWorksClient,
} from '@aws-sdk/client-opsworks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Vars } from '../../../core/inventory/types.js';
import { PlayStore } from '../../../core/plugin/play-state.js';
import type { Responder } from '../../../core/testing/memory-connection.js';
import { runModule } from '../../../core/testing/run-module.js';
import { agentCredentials } from '../../../plugins/credentials/module.js';
import { infraOnPremises } from '../../../plugins/infra-on-premises/index.js';
import { opsworksAssignLayers } from '../../../plugins/opsworks/modules/assign.js';
import { bindService } from '../../../plugins/opsworks/service.js';
import { registerPlaybook } from '../../../plugins/registration/playbook.js';
import {
  registerContext,
  registerInstall,
  registerState,
  registerWait,
} from '../../../plugins/registration/steps.js';

/**
 * Each step of the register playbook as it stands (the service-neutral
 * register_* modules, handing the host to OpsWorks through the registration
 * seam), alone, on an in-memory host whose answers the test scripts, with the
 * AWS SDK clients mocked: no sandbox, no SSH. The steps share one play (as in
 * a run), and each one's facts feed the next.
 */
const opsworks = mockClient(OpsWorksClient);
const iam = mockClient(IAMClient);
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
const STACK = 'stack-1';
let journalDir: string;
let vars: Vars;
/** The steps share one play, as the tasks of a run do. */
let state: PlayStore;

beforeEach(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'steps-journal-'));
  state = new PlayStore();
  // What the opsworks plugin's beforePlay does in a run: the infrastructure and credential steps find the service.
  bindService(state);
  vars = {
    opsworks_stack_id: STACK,
    opsworks_region: 'us-east-1',
    opsworks_journal_dir: journalDir,
    ansible_host: '10.0.0.5',
    ansible_nodename: 'web1',
    ansible_all_ipv4_addresses: ['10.0.0.5'],
  };
  opsworks.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackId: STACK,
        Name: 'shop',
        Arn: 'arn:aws:opsworks:us-east-1:1:stack/stack-1/',
        Region: 'us-east-1',
      },
    ],
  });
  opsworks.on(DescribeStackProvisioningParametersCommand).resolves({
    AgentInstallerUrl: 'https://opsworks-instance-agent.s3.amazonaws.com/ID/opsworks-agent-installer.tgz',
    Parameters: { assets_download_bucket: 'assets', agent_installer_base_url: 'x' },
  });
  opsworks.on(DescribeInstancesCommand, { StackId: STACK }).resolves({ Instances: [] });
  iam.on(CreateGroupCommand).resolves({});
  iam.on(CreateUserCommand).resolves({});
  iam.on(CreateAccessKeyCommand).resolves({
    AccessKey: { AccessKeyId: 'AKIAWEB1', SecretAccessKey: SECRET, UserName: 'u', Status: 'Active' },
  });
});
afterEach(() => {
  opsworks.reset();
  iam.reset();
  return state.dispose();
});

/** Runs a step and merges its facts into the host's vars, as the engine does. */
async function step(module: Parameters<typeof runModule>[0], respond?: Responder) {
  const run = await runModule(module, {}, { host: 'web1', vars, state, ...(respond ? { respond } : {}) });
  const facts = (run.result.data?.ansible_facts ?? {}) as Vars;
  Object.assign(vars, facts);
  return run;
}

const agentAbsent = (command: string) => (command.includes('@@absent') ? { stdout: '@@absent\n' } : {});

const install = (command: string) => {
  const dir = /d="\$\{TMPDIR:-\/tmp\}\/(opsworks-register\.[A-Za-z0-9]{8})"/.exec(command);
  if (dir) return { stdout: `/tmp/${dir[1]}\n` };
  if (command.includes('boot-registration'))
    return { stdout: 'Instance successfully registered. Instance ID: inst-1\n' };
  return agentAbsent(command);
};

describe('the register playbook, each step alone', () => {
  it('drives the modules the playbook names, in its order', () => {
    expect(registerPlaybook.plays[0]!.tasks.map((t) => t.module)).toEqual([
      'register_context',
      'infra_on_premises',
      'infra_ec2',
      'register_state',
      'register_credentials',
      'register_install',
      'register_wait',
      'opsworks_assign_layers',
    ]);
  });

  it('register_context: DescribeStacks and provisioning parameters once per play; the register_options fact', async () => {
    const first = await step(registerContext);
    expect(first.result.failed, first.result.msg).toBeFalsy();
    expect(vars.register_options).toMatchObject({
      service: 'opsworks',
      infrastructure_class: 'on-premises',
      agent_credentials: 'iam-user',
    });
    await step(registerContext);
    expect(opsworks.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    expect(opsworks.commandCalls(DescribeStackProvisioningParametersCommand)).toHaveLength(1);
    expect(first.commands).toEqual([]);
  });

  it('register_state: reads the agent config, takes the host lock, finds nothing registered', async () => {
    await step(registerContext);
    await step(infraOnPremises);
    const run = await step(registerState, agentAbsent);
    expect(run.result).toMatchObject({ changed: false });
    expect(run.result.failed, run.result.msg).toBeFalsy();
    expect(run.commands).toHaveLength(1);
    expect(readdirSync(join(journalDir, STACK, 'locks'))).toEqual(['web1.lock']);
  });

  it('register_credentials: user, group, policy, key; the key journaled by ID only', async () => {
    await step(registerContext);
    await step(infraOnPremises);
    const run = await step(agentCredentials);
    expect(run.result).toMatchObject({ changed: true });
    expect(run.result.msg).toContain('AKIAWEB1');
    expect(iam.commandCalls(AddUserToGroupCommand)).toHaveLength(1);
    expect(iam.commandCalls(AttachUserPolicyCommand)).toHaveLength(1);
    const [file] = readdirSync(join(journalDir, STACK)).filter((f) => f.endsWith('.ndjson'));
    const journal = readFileSync(join(journalDir, STACK, file!), 'utf8');
    expect(journal).toContain('"accessKeyId":"AKIAWEB1"');
    expect(journal).not.toContain(SECRET);
  });

  it('register_install: temp dir, installer, 0600 preconfig, boot-registration; no secret on a command line', async () => {
    await step(registerContext);
    await step(infraOnPremises);
    await step(registerState, agentAbsent);
    await step(agentCredentials);
    const run = await step(registerInstall, install);
    expect(run.result).toMatchObject({ changed: true });
    expect(run.result.msg).toContain('inst-1');
    const preconfig = [...run.files.entries()].find(([path]) => path.endsWith('/preconfig'));
    expect(preconfig?.[1].mode).toBe(0o600);
    expect(preconfig?.[1].content).toContain(SECRET);
    for (const command of run.commands) expect(command).not.toContain(SECRET);
    expect(run.commands.some((c) => /curl .*opsworks-agent-installer\.tgz/.test(c))).toBe(true);
  });

  it('register_wait: one batched DescribeInstances until registered', async () => {
    await step(registerContext);
    await step(infraOnPremises);
    await step(registerState, agentAbsent);
    await step(agentCredentials);
    await step(registerInstall, install);
    opsworks
      .on(DescribeInstancesCommand, { InstanceIds: ['inst-1'] })
      .resolves({ Instances: [{ InstanceId: 'inst-1', Status: 'registered' }] });
    const run = await step(registerWait);
    expect(run.result.failed, run.result.msg).toBeFalsy();
    expect(run.result.msg).toContain('registered');
    expect(opsworks.commandCalls(DescribeInstancesCommand, { InstanceIds: ['inst-1'] })).toHaveLength(1);
  });

  it('opsworks_assign_layers: assigns only the layers missing', async () => {
    vars.opsworks_registration = { instance_id: 'inst-1', status: 'registered', already: false };
    vars.opsworks_layer_ids = ['layer-a', 'layer-b'];
    opsworks
      .on(DescribeInstancesCommand, { InstanceIds: ['inst-1'] })
      .resolves({ Instances: [{ InstanceId: 'inst-1', LayerIds: ['layer-a'] }] });
    opsworks.on(AssignInstanceCommand).resolves({});
    const run = await step(opsworksAssignLayers);
    expect(run.result.changed).toBe(true);
    expect(opsworks.commandCalls(AssignInstanceCommand)[0]!.args[0].input).toEqual({
      InstanceId: 'inst-1',
      LayerIds: ['layer-b'],
    });
  });
});
