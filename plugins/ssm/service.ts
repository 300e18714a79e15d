import { randomBytes } from 'node:crypto';
import type { PlayState } from '../../core/plugin/play-state.js';
import {
  bindService as bindInPlay,
  type RegistrationService,
  registrationParts,
} from '../../core/plugin/registration.js';
import type { ModuleContext, ModuleResult } from '../../core/plugin/types.js';
import {
  activationFor,
  activationSpent,
  awsLine,
  ensureTags,
  listNodes,
  reconcile,
  renewActivation,
} from './activation.js';
import {
  AGENT_STATE_COMMAND,
  archFor,
  CLEAR_COMMAND,
  decide,
  downloadCommand,
  installCommand,
  isOurTempDir,
  makeTempDirCommand,
  newTempDirName,
  PACKAGE_FILE,
  packageFor,
  packageUrl,
  parseAgentState,
  parseManagedInstanceId,
  registerScript,
  removeCommand,
  runRegisterCommand,
  uninstallCommand,
} from './agent.js';
import { ssmSdk } from './aws-sdk.js';
import { claimHost } from './claim.js';
import { readSsmOptions, type SsmOptions } from './options.js';
import { type Activation, type SsmHostRecord, type SsmPlay, ssmPlayOf } from './play.js';

const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).pop() ?? '';

/** The host's options, parsed once per play. */
export function ssmOptionsOf(ctx: Pick<ModuleContext, 'host' | 'vars' | 'state'>) {
  const cache = ssmPlayOf(ctx.state).options;
  let parsed = cache.get(ctx.host);
  if (!parsed) {
    parsed = readSsmOptions(ctx.vars, ctx.host);
    cache.set(ctx.host, parsed);
  }
  return parsed;
}

function recordOf(ctx: Pick<ModuleContext, 'host' | 'state'>): SsmHostRecord {
  const play = ssmPlayOf(ctx.state);
  const known = play.hosts.get(ctx.host);
  if (known) return known;
  const parsed = play.options.get(ctx.host);
  if (!parsed?.ok) throw new Error(`no ssm options parsed for ${ctx.host}`);
  return play.host(ctx.host, parsed.options);
}

function exec(ctx: ModuleContext, command: string, opts: { become?: boolean; timeoutMs?: number } = {}) {
  return ctx.connection.exec(command, {
    signal: ctx.signal,
    timeoutMs: opts.timeoutMs ?? 120_000,
    ...(opts.become ? { become: ctx.become ?? { method: 'sudo' } } : {}),
  });
}

/** The versions AWS lists for the agent (2025): a notice, not a refusal, for the rest. */
function supportsOs(distribution: string, version: string): boolean {
  const d = distribution.toLowerCase();
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  if (d.includes('amazon')) return true;
  if (d === 'ubuntu') return major >= 16;
  if (d === 'debian') return major >= 8;
  if (d === 'centos' || d.includes('red hat') || d === 'redhat' || d === 'rhel' || d.includes('oracle'))
    return major >= 7;
  if (d === 'rocky' || d.includes('alma')) return major >= 8;
  if (d === 'sles' || d.includes('suse')) return major >= 12;
  return false;
}

/**
 * AWS Systems Manager hybrid activations as the registration service: an
 * activation is what hosts register with (one per play, or per host), the
 * SSM agent is installed from the regional location (or pushed) and
 * registered with the activation's ID and code, DescribeInstanceInformation
 * confirms the node Online. Stateless itself: everything lives in the play's
 * state (SSM_PLAY).
 */
export const ssmService: RegistrationService = {
  name: 'ssm',
  agent: {
    product: 'AWS Systems Manager',
    supportedOs:
      'Amazon Linux, Ubuntu 16.04+, Debian 8+, RHEL/CentOS/Oracle 7+, Rocky/AlmaLinux 8+, SLES 12+',
    supportsOs,
    needsLibyaml: false,
    setup: 'SSM registration',
    setupRewritesHost: false,
  },
  request(ctx) {
    const parsed = ssmOptionsOf(ctx);
    return parsed.ok ? { ok: true, value: parsed.options.request } : { ok: false, reason: parsed.reason };
  },
  async context(ctx) {
    const o = recordOf(ctx).options;
    const pkg = o.agentPackage === 'rpm' || o.agentPackage === 'tarball' ? o.agentPackage : 'deb';
    return {
      id: `ssm-${o.region}`,
      name: `AWS Systems Manager in ${o.region}`,
      region: o.region,
      anyNetwork: true,
      installerUrl: packageUrl(o.agentUrlBase, pkg, 'amd64'),
    };
  },
  controller(ctx, request) {
    const parsed = ssmPlayOf(ctx.state).options.get(request.host);
    if (!parsed?.ok) return {};
    const o = parsed.options;
    const credentials = ssmPlayOf(ctx.state).credentials(o);
    return {
      ...(credentials ? { credentials } : {}),
      ...(o.controllerCredentials === 'profile' && o.profile ? { profile: o.profile } : {}),
    };
  },
  registered(ctx) {
    return ssmPlayOf(ctx.state).hosts.get(ctx.host)?.already !== undefined;
  },
  async prepare(ctx) {
    const record = recordOf(ctx);
    const o = record.options;
    const play = ssmPlayOf(ctx.state);
    try {
      for (const note of await reconcile(play, o)) ctx.warn(note);
    } catch (error) {
      return { changed: false, failed: true, msg: `reconciling earlier runs: ${awsLine(error)}` };
    }
    return {
      changed: false,
      msg: `AWS Systems Manager in ${o.region}, service role ${o.iamRole}, ${o.activationPerHost ? 'one activation per host' : 'one activation for the play'}`,
      data: {
        ansible_facts: {
          ssm_options: {
            region: o.region,
            iam_role: o.iamRole,
            activation_per_host: o.activationPerHost,
            agent_package: o.agentPackage,
            tags: Object.fromEntries(o.tags.map((t) => [t.Key, t.Value])),
          },
        },
      },
    };
  },
  state: (ctx) => hostState(ctx),
  async createCredentials(ctx) {
    const record = recordOf(ctx);
    if (record.already) return { changed: false, msg: 'already registered: no activation needed' };
    if (ctx.check) return { changed: true, msg: 'would use an activation for this play' };
    const play = ssmPlayOf(ctx.state);
    const before = play.made.length;
    try {
      record.activation = await activationFor(play, record.options, ctx.host);
    } catch (error) {
      return { changed: false, failed: true, msg: `CreateActivation: ${awsLine(error)}` };
    }
    const made = play.made.length > before && play.made.at(-1)?.id === record.activation.id;
    return {
      changed: made,
      msg: made ? `made activation ${record.activation.id}` : `activation ${record.activation.id}`,
      data: { activation_id: record.activation.id },
    };
  },
  install: (ctx) => install(ctx),
  wait: (ctx) => waitOnline(ctx),
  async rollback(ctx) {
    return rollbackNode(ssmPlayOf(ctx.state), recordOf(ctx), ctx.host);
  },
};

/** Binds SSM in the play, for hosts whose `register_service` is ssm. */
export function bindService(state: PlayState): void {
  bindInPlay(state, ssmService);
}

async function hostState(ctx: ModuleContext): Promise<ModuleResult> {
  const play = ssmPlayOf(ctx.state);
  const record = recordOf(ctx);
  const o = record.options;
  const claim = await claimHost(ctx, play, record, o);
  if (!claim.ok) return { changed: false, failed: true, msg: claim.reason };
  if (claim.waitedFor) ctx.warn(`${ctx.host}: waited for ${claim.waitedFor} to finish with this host`);
  let nodes: Awaited<ReturnType<typeof listNodes>>;
  try {
    nodes = await listNodes(play, o);
  } catch (error) {
    return { changed: false, failed: true, msg: `DescribeInstanceInformation: ${awsLine(error)}` };
  }
  const listed = new Set(nodes.map((n) => n.InstanceId));
  // An EC2 instance whose instance profile allows SSM is a managed node by its own instance ID.
  const ec2Id = registrationParts(ctx.state).targets.get(ctx.host)?.ec2InstanceId ?? o.request.ec2InstanceId;
  if (ec2Id && listed.has(ec2Id)) {
    record.already = ec2Id;
    return {
      changed: false,
      msg: `managed by its instance profile as ${ec2Id}: not registered with an activation`,
      data: {
        ansible_facts: { ssm_registration: { instance_id: ec2Id, already: true, by: 'instance-profile' } },
      },
    };
  }
  const out = await exec(ctx, AGENT_STATE_COMMAND, { become: true, timeoutMs: 60_000 });
  if (out.exitCode !== 0)
    return {
      changed: false,
      failed: true,
      msg: `reading the agent's state failed: ${lastLine(out.stderr) || `rc ${out.exitCode}`}`,
    };
  const agent = parseAgentState(out.stdout);
  record.agent = agent;
  const decision = decide(agent, o.region, (id) => listed.has(id), o.reregister);
  if (decision.kind === 'elsewhere') return { changed: false, failed: true, msg: decision.reason };
  if (decision.kind === 'registered') {
    record.already = decision.instanceId;
    let added: string[] = [];
    if (!ctx.check) {
      try {
        added = await ensureTags(play, o, decision.instanceId, o.tags);
      } catch (error) {
        return { changed: false, failed: true, msg: `tagging ${decision.instanceId}: ${awsLine(error)}` };
      }
    }
    return {
      changed: added.length > 0,
      msg: `already registered as ${decision.instanceId}${added.length ? `; tagged ${added.join(', ')}` : ''}`,
      data: { ansible_facts: { ssm_registration: { instance_id: decision.instanceId, already: true } } },
    };
  }
  return {
    changed: false,
    msg: agent.registration
      ? `registered as ${agent.registration.instanceId} elsewhere; registering here (ssm_reregister)`
      : `not registered yet${agent.installed ? ' (agent installed)' : ''}`,
    data: { ansible_facts: { ssm_registration: null } },
  };
}

async function install(ctx: ModuleContext): Promise<ModuleResult> {
  const play = ssmPlayOf(ctx.state);
  const record = recordOf(ctx);
  const o = record.options;
  const agent = record.agent;
  if (!agent)
    return { changed: false, failed: true, msg: 'no agent state for this host: run register_state first' };
  const activation = record.activation;
  if (!activation)
    return { changed: false, failed: true, msg: 'no activation: run register_credentials first' };
  const pkg = packageFor(o.agentPackage, stringVar(ctx, 'ansible_pkg_mgr'));
  const arch = archFor(stringVar(ctx, 'ansible_architecture'));
  if (!agent.installed && (!pkg || !arch)) {
    return {
      changed: false,
      failed: true,
      msg: !arch
        ? `no SSM agent package for architecture ${String(ctx.vars.ansible_architecture)}`
        : `no SSM agent package format for package manager "${String(ctx.vars.ansible_pkg_mgr ?? 'unknown')}": set ssm_agent_package (deb, rpm, snap)`,
    };
  }
  if (ctx.check)
    return {
      changed: true,
      msg: `would ${agent.installed ? '' : `install the agent (${pkg}) and `}register`,
    };
  const journal = play.journal(o).forHost(ctx.host);
  const fail = async (msg: string) => {
    const rolled = await rollbackHost(ctx, play, record);
    return { changed: false, failed: true, msg: rolled ? `${msg} (${rolled})` : msg };
  };
  const tempName = newTempDirName(randomBytes);
  let dir: string | undefined;
  let ran = false;
  try {
    const made = await journal.effect('host.temp-dir', { path: tempName }, () =>
      exec(ctx, makeTempDirCommand(tempName)),
    );
    dir = made.stdout.trim();
    if (made.exitCode !== 0 || !isOurTempDir(dir)) {
      const reason = lastLine(made.stderr) || `unexpected directory "${dir}"`;
      dir = undefined;
      return await fail(`mktemp failed: ${reason}`);
    }
    if (!agent.installed && pkg && arch) {
      if (pkg !== 'snap') {
        const url = packageUrl(o.agentUrlBase, pkg, arch);
        if (o.agentSource === 'push') {
          const body = await play.packages.get(url, () => download(url));
          await ctx.connection.put(body, `${dir}/${PACKAGE_FILE[pkg]}`, { mode: 0o600 });
        } else {
          const got = await exec(ctx, downloadCommand(dir, url, pkg), { timeoutMs: 660_000 });
          if (got.exitCode !== 0)
            return await fail(
              `downloading the SSM agent failed (rc ${got.exitCode}): ${lastLine(got.stderr)}`,
            );
        }
      }
      const installed = await exec(ctx, installCommand(dir, pkg), { become: true, timeoutMs: 600_000 });
      if (installed.exitCode !== 0)
        return await fail(
          `installing the SSM agent (${pkg}) failed: ${lastLine(installed.stderr) || lastLine(installed.stdout) || `rc ${installed.exitCode}`}`,
        );
      record.installed = pkg;
    }
    let out = await registerIn(ctx, journal, dir, activation, () => {
      ran = true;
    });
    let instanceId = parseManagedInstanceId(out.stdout);
    // The activation expired or reached its limit mid-run: once, with a fresh one (in a fresh directory: the trap removed this one).
    if ((out.exitCode !== 0 || !instanceId) && activationSpent(`${out.stderr}\n${out.stdout}`)) {
      let fresh: Activation;
      try {
        fresh = await renewActivation(play, o, ctx.host, activation);
      } catch (error) {
        return await fail(`${why(out)}; CreateActivation for a fresh one: ${awsLine(error)}`);
      }
      record.activation = fresh;
      ctx.warn(
        `${ctx.host}: activation ${activation.id} is spent (${why(out)}): registering with ${fresh.id}`,
      );
      const again = await registerInFreshDir(ctx, journal, fresh);
      if (!again.ok) return await fail(again.reason);
      out = again.out;
      instanceId = parseManagedInstanceId(out.stdout);
    }
    if (instanceId) record.instanceId = instanceId;
    if (out.exitCode !== 0 || !instanceId) return await fail(why(out));
    return {
      changed: true,
      msg: `registered as ${instanceId}${record.installed ? ` (agent installed: ${record.installed})` : ''}`,
      rc: out.exitCode,
      data: {
        instance_id: instanceId,
        ansible_facts: { ssm_registration: { instance_id: instanceId, already: false } },
      },
    };
  } catch (error) {
    return await fail(`SSM agent: ${awsLine(error)}`);
  } finally {
    // After the register script ran, its trap removed the directory.
    if (dir && !ran) {
      try {
        await exec(ctx, removeCommand(dir), { timeoutMs: 30_000 });
      } catch {
        // The host went away: the journal keeps the path.
      }
    }
    if (dir) await journal.effect('host.temp-dir-removed', { path: tempName }, async () => undefined);
  }
}

type ExecOut = Awaited<ReturnType<typeof exec>>;
type HostJournal = ReturnType<ReturnType<SsmPlay['journal']>['forHost']>;

function why(out: ExecOut): string {
  const reason = out.timedOut
    ? 'timed out'
    : lastLine(out.stderr) || lastLine(out.stdout) || `rc ${out.exitCode}`;
  return `amazon-ssm-agent -register failed: ${reason}`;
}

/** Puts the register script in `dir` and runs it; its trap removes the directory (and the code) whatever happens. */
async function registerIn(
  ctx: ModuleContext,
  journal: HostJournal,
  dir: string,
  activation: Activation,
  onPut: () => void = () => undefined,
) {
  // The code goes into a 0600 file in the 0700 directory: never onto runner's command lines.
  await ctx.connection.put(
    registerScript({ id: activation.id, code: activation.code.reveal(), region: activation.region }),
    `${dir}/register`,
    { mode: 0o600 },
  );
  onPut();
  const out = await journal.effect(
    'ssm.register',
    { activationId: activation.id },
    () => exec(ctx, runRegisterCommand(dir), { become: true, timeoutMs: 300_000 }),
    (r) => ({ instanceId: parseManagedInstanceId(r.stdout) }),
  );
  for (const line of out.stdout.split('\n').filter(Boolean)) ctx.log(line, 'stdout');
  return out;
}

/** The retry's own temp dir (journaled like the first), then the registration in it. */
async function registerInFreshDir(
  ctx: ModuleContext,
  journal: HostJournal,
  activation: Activation,
): Promise<{ ok: true; out: ExecOut } | { ok: false; reason: string }> {
  const name = newTempDirName(randomBytes);
  const made = await journal.effect('host.temp-dir', { path: name }, () =>
    exec(ctx, makeTempDirCommand(name)),
  );
  const dir = made.stdout.trim();
  try {
    if (made.exitCode !== 0 || !isOurTempDir(dir))
      return {
        ok: false,
        reason: `mktemp failed: ${lastLine(made.stderr) || `unexpected directory "${dir}"`}`,
      };
    try {
      return { ok: true, out: await registerIn(ctx, journal, dir, activation) };
    } catch (error) {
      // The trap may not have run (the script never started): the directory may still hold the code.
      await exec(ctx, removeCommand(dir), { timeoutMs: 30_000 }).catch(() => undefined);
      throw error;
    }
  } finally {
    await journal.effect('host.temp-dir-removed', { path: name }, async () => undefined);
  }
}

async function waitOnline(ctx: ModuleContext): Promise<ModuleResult> {
  const play = ssmPlayOf(ctx.state);
  const record = recordOf(ctx);
  const o = record.options;
  if (ctx.check) return { changed: false, msg: 'would wait for Online' };
  const id = record.instanceId;
  if (!id)
    return { changed: false, failed: true, msg: 'no managed node to wait for: run register_install first' };
  const outcome = await play.waiter(o).wait(id, o.waitTimeoutMs, ctx.signal);
  if (!outcome.ok) {
    const rolled = await rollbackHost(ctx, play, record);
    return { changed: false, failed: true, msg: rolled ? `${outcome.reason} (${rolled})` : outcome.reason };
  }
  let added: string[] = [];
  try {
    added = await ensureTags(play, o, id, o.tags);
  } catch (error) {
    const rolled = await rollbackHost(ctx, play, record);
    return {
      changed: false,
      failed: true,
      msg: `tagging ${id}: ${awsLine(error)}${rolled ? ` (${rolled})` : ''}`,
    };
  }
  record.committed = true;
  await play.journal(o).settle(ctx.host, 'committed');
  return {
    changed: false,
    msg: `${id} is Online${added.length ? `, tagged ${added.join(', ')}` : ''}`,
    data: {
      ansible_facts: {
        ssm_registration: { instance_id: id, ping_status: outcome.item.PingStatus, already: false },
      },
    },
  };
}

/** Rollback with the host at hand: the node deregistered, the agent's registration cleared (and the package removed if asked). */
async function rollbackHost(ctx: ModuleContext, play: SsmPlay, record: SsmHostRecord): Promise<string> {
  const done: string[] = [];
  const summary = await rollbackNode(play, record, ctx.host);
  if (summary) done.push(summary);
  try {
    if (record.agent?.registration === undefined || record.options.reregister) {
      const cleared = await exec(ctx, CLEAR_COMMAND, { become: true, timeoutMs: 60_000 });
      if (cleared.exitCode === 0 && record.instanceId === undefined && summary)
        done.push('cleared the agent registration');
    }
    if (record.options.removeAgentOnFailure && record.installed) {
      const removed = await exec(ctx, uninstallCommand(record.installed), {
        become: true,
        timeoutMs: 300_000,
      });
      if (removed.exitCode === 0) {
        done.push(`removed the agent (${record.installed})`);
        record.installed = undefined;
      }
    }
  } catch {
    // The host went away: the node is deregistered, which is what matters.
  }
  return done.join(', ');
}

/** Deregisters the node this run registered for the host (journaled); one line, empty when nothing to do. */
export async function rollbackNode(play: SsmPlay, record: SsmHostRecord, host: string): Promise<string> {
  const id = record.instanceId;
  if (!id || record.committed) return '';
  const o = record.options;
  try {
    await play
      .journal(o)
      .forHost(host)
      .effect('ssm.deregister', { instanceId: id }, () =>
        play.client(o).send(new (ssmSdk().DeregisterManagedInstanceCommand)({ InstanceId: id })),
      );
  } catch (error) {
    if (!/InvalidInstanceId/.test((error as Error)?.name ?? ''))
      return `could not deregister ${id}: ${awsLine(error)}`;
  }
  record.instanceId = undefined;
  record.rolledBack = true;
  await play.journal(o).settle(host, 'rolled-back');
  return `rolled back: deregistered ${id}`;
}

function stringVar(ctx: Pick<ModuleContext, 'vars'>, key: string): string | undefined {
  const v = ctx.vars[key];
  return typeof v === 'string' && v ? v : undefined;
}

/** push mode: the controller fetches the package once for the play. */
async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

export type { SsmOptions };
