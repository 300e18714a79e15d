import { randomBytes } from 'node:crypto';
import { registrationParts } from '../../../core/plugin/registration.js';
import {
  bootRegistrationCommand,
  downloadCommand,
  isOurTempDir,
  makeTempDirCommand,
  newTempDirName,
  parseInstanceId,
  preconfigPath,
  removeCommand,
  untarCommand,
} from '../install-script.js';
import type { StackInfo } from '../play-context.js';
import { preconfigText } from '../preconfig.js';
import { alreadyRegistered, awsMessage, registerStep, rollbackHost, withRollback } from '../support.js';

const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).pop() ?? '';

/**
 * `opsworks_install`: delivers the agent installer (url: the host's curl;
 * push: fetched once by the controller with S3 GetObject and copied over
 * SSH), writes the preconfig as a 0600 file in a 0700 temp directory (never
 * a command line, never output), runs `boot-registration` with become and
 * OPSWORKS_ASSETS_DOWNLOAD_BUCKET, and removes the directory whatever
 * happens. On failure, what this run made for the host is rolled back.
 */
export const opsworksInstall = registerStep({
  description: 'Install the OpsWorks agent and register the host (runs boot-registration with become).',
  async run(ctx, { options: o, play }) {
    const already = alreadyRegistered(ctx.vars);
    if (already) return { changed: false, msg: `already registered as ${already.instance_id}` };
    const target = registrationParts(ctx.state).targets.get(ctx.host);
    if (!target)
      return {
        changed: false,
        failed: true,
        msg: 'no target for this host: resolve the infrastructure class first',
      };
    if (ctx.check)
      return { changed: true, msg: `would install the agent (${o.agentSource} mode) and register` };
    const record = play.ledger.host(ctx.host);
    record.options ??= o;
    if (o.agentCredentials === 'iam-user' && !record.credentials) {
      return {
        changed: false,
        failed: true,
        msg: 'no agent credentials: run opsworks_agent_credentials first',
      };
    }
    const fail = async (msg: string) => {
      const rollback = await rollbackHost(play, o, record, { deregister: true });
      return { changed: false, failed: true, msg: withRollback(msg, rollback) };
    };
    let stack: StackInfo;
    try {
      stack = await play.aws.stack(o);
    } catch (error) {
      return fail(`DescribeStacks ${o.stackId}: ${awsMessage(error)}`);
    }
    const text = preconfigText({
      stackId: stack.stackId,
      parameters: stack.parameters,
      accessKeyId: record.credentials?.accessKeyId,
      secretAccessKey: record.credentials?.secretAccessKey,
      hostname: target.hostname,
      privateIp: target.privateIp,
      publicIp: target.publicIp,
      infrastructureClass: o.infrastructureClass,
    });
    const exec = (command: string, opts: { become?: boolean; timeoutMs?: number } = {}) =>
      ctx.connection.exec(command, {
        signal: ctx.signal,
        timeoutMs: opts.timeoutMs ?? 120_000,
        ...(opts.become ? { become: ctx.become ?? { method: 'sudo' } } : {}),
      });
    const journal = play.ledger.journal(o).forHost(ctx.host);
    const tempName = newTempDirName(randomBytes);
    let dir: string | undefined;
    let bootStarted = false;
    let bootFinished = false;
    try {
      // Journaled by name before it exists: a crash from here on leaves a path the next run removes.
      const made = await journal.effect('host.temp-dir', { path: tempName }, () =>
        exec(makeTempDirCommand(tempName)),
      );
      dir = made.stdout.trim();
      if (made.exitCode !== 0 || !isOurTempDir(dir)) {
        const reason = lastLine(made.stderr) || `unexpected directory "${dir}"`;
        dir = undefined;
        return await fail(`mktemp failed: ${reason}`);
      }
      if (o.agentSource === 'push') {
        const installer = await play.aws.installer(o, stack);
        await ctx.connection.put(installer, `${dir}/opsworks-agent-installer.tgz`, { mode: 0o600 });
        const untar = await exec(untarCommand(dir));
        if (untar.exitCode !== 0)
          return await fail(`unpacking the installer failed: ${lastLine(untar.stderr)}`);
      } else {
        const download = await exec(downloadCommand(dir, stack.agentInstallerUrl), { timeoutMs: 660_000 });
        if (download.exitCode !== 0) {
          return await fail(
            `downloading the installer failed (rc ${download.exitCode}): ${lastLine(download.stderr)}`,
          );
        }
      }
      await ctx.connection.put(text, preconfigPath(dir), { mode: 0o600 });
      bootStarted = true;
      const bootDir = dir;
      record.bootInFlight = true;
      const boot = await journal.effect(
        'opsworks.register',
        { hostname: target.hostname, user: record.iam?.user },
        () =>
          exec(bootRegistrationCommand(bootDir, stack.parameters.assets_download_bucket), {
            become: true,
            timeoutMs: 900_000,
          }),
        (out) => ({ instanceId: parseInstanceId(out.stdout) }),
      );
      bootFinished = boot.exitCode !== null;
      record.bootInFlight = !bootFinished;
      for (const line of boot.stdout.split('\n').filter(Boolean)) ctx.log(line, 'stdout');
      const instanceId = parseInstanceId(boot.stdout);
      if (instanceId) record.instanceId = instanceId;
      if (boot.exitCode !== 0 || !instanceId) {
        const why = boot.timedOut
          ? 'timed out'
          : lastLine(boot.stderr) || lastLine(boot.stdout) || `rc ${boot.exitCode}`;
        return await fail(`boot-registration failed: ${why}`);
      }
      if (!o.wait) record.committed = true;
      return {
        changed: true,
        msg: `registered as ${instanceId}`,
        rc: boot.exitCode,
        data: {
          instance_id: instanceId,
          ansible_facts: {
            opsworks_registration: { instance_id: instanceId, status: 'registering', already: false },
          },
        },
      };
    } catch (error) {
      return await fail(`agent install: ${awsMessage(error)}`);
    } finally {
      // After boot-registration ran, its trap removed the directory (as root).
      if (dir && (bootFinished || (!bootStarted && (await cleanup(dir, exec))))) {
        // Gone (boot-registration's trap or the cleanup above): nothing for a later run to remove.
        await journal.effect('host.temp-dir-removed', { path: tempName }, async () => undefined);
      }
    }
  },
});

/** The trap already removed it after boot-registration; this covers the earlier steps and a lost trap. */
async function cleanup(
  dir: string,
  exec: (
    command: string,
    opts?: { become?: boolean; timeoutMs?: number },
  ) => Promise<{ exitCode: number | null }>,
): Promise<boolean> {
  try {
    return (await exec(removeCommand(dir), { timeoutMs: 30_000 })).exitCode === 0;
  } catch {
    // The host went away: the journal keeps the path for the next run.
    return false;
  }
}
