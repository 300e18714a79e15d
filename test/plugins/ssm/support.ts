import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeActivationsCommand,
  type DescribeActivationsCommandOutput,
  DescribeInstanceInformationCommand,
  type InstanceInformation,
  ListTagsForResourceCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../../sandbox/index.js';
import { clientConfig } from '../../sandbox/support.js';
import type { CliRun } from '../../support/cli.js';
import { startCli } from '../../support/cli.js';

/** A sandbox with its inventory written, and `runner play register --service ssm` against it through the real binary. */
export interface SsmFixture {
  sb: Sandbox;
  ssm: SSMClient;
  work: string;
  journalDir: string;
  logDir: string;
  register(extra?: string[]): Promise<CliRun>;
  start(extra?: string[]): { child: import('node:child_process').ChildProcess; done: Promise<CliRun> };
}

export const ROLE = 'SSMServiceRole';

export async function ssmFixture(options: SandboxOptions): Promise<SsmFixture> {
  const sb = await startSandbox(options);
  const work = mkdtempSync(join(tmpdir(), 'runner-ssm-register-'));
  const inventory = join(work, 'inventory.yml');
  await sb.writeInventory(inventory);
  const journalDir = join(work, 'journal');
  const logDir = join(work, 'logs');
  const start = (extra: string[] = []) =>
    startCli(
      [
        'play',
        'register',
        '--service',
        'ssm',
        '--iam-role',
        ROLE,
        '-i',
        inventory,
        '--known-hosts',
        sb.knownHostsFile,
        '-e',
        'opsworks_os_updates=remind',
        '-e',
        'ssm_tags=Env=e2e,Team=fleet',
        '--log-dir',
        logDir,
        '--json',
        ...extra,
      ],
      {
        env: {
          ...sb.envVars(),
          AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
          RUNNER_JOURNAL_DIR: journalDir,
        },
        timeoutMs: 900_000,
      },
    );
  return {
    sb,
    ssm: new SSMClient(clientConfig(sb)),
    work,
    journalDir,
    logDir,
    start,
    register: (extra) => start(extra).done,
  };
}

export async function nodes(ssm: SSMClient): Promise<InstanceInformation[]> {
  const out: InstanceInformation[] = [];
  let token: string | undefined;
  do {
    const page = await ssm.send(
      new DescribeInstanceInformationCommand({ MaxResults: 50, ...(token ? { NextToken: token } : {}) }),
    );
    out.push(...(page.InstanceInformationList ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

export async function activations(
  ssm: SSMClient,
): Promise<NonNullable<DescribeActivationsCommandOutput['ActivationList']>> {
  return (await ssm.send(new DescribeActivationsCommand({}))).ActivationList ?? [];
}

export async function tagsOf(ssm: SSMClient, id: string): Promise<Record<string, string>> {
  const out = await ssm.send(
    new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId: id }),
  );
  return Object.fromEntries((out.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** The node ID a host's agent registration file names (undefined: not registered). */
export function registeredId(sb: Sandbox, host: string): string | undefined {
  const h = sb.hosts.find((x) => x.name === host);
  if (!h) return undefined;
  try {
    return JSON.parse(readFileSync(join(h.root, 'var/lib/amazon/ssm/registration'), 'utf8'))
      .ManagedInstanceID;
  } catch {
    return undefined;
  }
}

/** Every file under a directory, read as text (journals, log dirs). */
export function readTree(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out.join('\n');
}

export function resultsOf(run: CliRun) {
  return run.events.flatMap((e) => (e.type === 'host.task.result' ? [e.result] : []));
}
