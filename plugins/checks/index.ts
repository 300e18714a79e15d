import { shQuote } from '../../core/connection/quote.js';
import { definePlugin } from '../../core/plugin/define-plugin.js';
import {
  type AgentRequirements,
  hostRegistration,
  type RegistrationRequest,
} from '../../core/plugin/registration.js';
import type { CheckContext, CheckDefinition, CheckResult } from '../../core/plugin/types.js';
import { customHostsEntries, reservedMounts } from './host-files.js';
import { parseUpdates, reminderNotice, UPDATES_COMMAND, updatesNotice } from './os-updates.js';

/**
 * Checks for the register playbook. Preflight (a `fail` refuses the host
 * before anything is made for it): Linux, a supported OS family, curl/tar/sudo
 * (curl not needed in push mode), libyaml, HTTPS to the installer (url mode),
 * a hostname override free in the stack. Post-setup (notices in the recap):
 * the OS-update reminder, reserved mount points on EC2, /etc/hosts.
 */
const PLAYBOOKS = ['register'];

async function sh(ctx: CheckContext, command: string, timeoutMs = 60_000) {
  return ctx.connection.exec(command, { timeoutMs });
}

/** The host's registration request, as the play's service parsed it (once). */
function requestOf(ctx: CheckContext): RegistrationRequest | undefined {
  return hostRegistration(ctx)?.request;
}

/** The host's service's agent requirements; the OpsWorks agent's when the service names none. */
function agentOf(ctx: CheckContext): AgentRequirements {
  return (
    hostRegistration(ctx)?.service.agent ?? {
      product: 'AWS OpsWorks',
      supportedOs: 'Amazon Linux, Ubuntu 14.04/16.04/18.04, CentOS 7, RHEL 7',
      supportsOs: (d, v) => osSupport(d, v) === 'supported',
      needsLibyaml: true,
      setup: 'OpsWorks setup',
      setupRewritesHost: true,
    }
  );
}

const fact = (ctx: CheckContext, key: string) => {
  const v = ctx.vars[key];
  return typeof v === 'string' && v ? v : undefined;
};

export const linuxCheck: CheckDefinition = {
  name: 'linux',
  phase: 'preflight',
  playbooks: PLAYBOOKS,
  async run(ctx) {
    const system = fact(ctx, 'ansible_system') ?? (await sh(ctx, 'uname -s')).stdout.trim();
    return system === 'Linux'
      ? { level: 'pass' }
      : {
          level: 'fail',
          message: `Non-Linux instances are not supported by ${agentOf(ctx).product} (this host runs ${system || 'an unknown system'})`,
        };
  },
};

/** The User Guide's list (2023): 64-bit Amazon Linux, Ubuntu 14.04/16.04/18.04, CentOS 7, RHEL 7. */
export function osSupport(distribution: string, version: string): 'supported' | 'unsupported' {
  const d = distribution.toLowerCase();
  const major = version.split('.')[0] ?? '';
  if (d.includes('amazon')) return 'supported';
  if (d === 'ubuntu' && ['14.04', '16.04', '18.04'].includes(version)) return 'supported';
  if ((d === 'centos' || d.includes('red hat') || d === 'redhat' || d === 'rhel') && major === '7')
    return 'supported';
  return 'unsupported';
}

export const osFamilyCheck: CheckDefinition = {
  name: 'supported OS',
  phase: 'preflight',
  playbooks: PLAYBOOKS,
  async run(ctx) {
    const distribution = fact(ctx, 'ansible_distribution') ?? 'unknown';
    const version = fact(ctx, 'ansible_distribution_version') ?? '';
    const arch = fact(ctx, 'ansible_architecture') ?? '';
    const agent = agentOf(ctx);
    if (arch && !/x86_64|amd64|aarch64|arm64/.test(arch)) {
      return { level: 'fail', message: `${arch} is not a 64-bit architecture ${agent.product} supports` };
    }
    if (agent.supportsOs(distribution, version))
      return { level: 'pass', message: `${distribution} ${version}` };
    const message = `${distribution} ${version} is not on the ${agent.product} supported list (${agent.supportedOs}); the agent may not install`;
    const strict =
      String(ctx.vars.register_strict_os ?? ctx.vars.opsworks_strict_os ?? 'false').toLowerCase() === 'true';
    return strict ? { level: 'fail', message } : { level: 'notice', message };
  },
};

export const prerequisitesCheck: CheckDefinition = {
  name: 'curl, tar and sudo',
  phase: 'preflight',
  playbooks: PLAYBOOKS,
  async run(ctx) {
    const push = requestOf(ctx)?.agentSource === 'push';
    const tools = [push ? undefined : 'curl', 'tar', 'sudo'].filter(Boolean).join(' ');
    const out = await sh(
      ctx,
      `if [ "$(id -u)" = 0 ]; then root=1; else root=0; fi; for c in ${tools}; do [ "$c" = sudo ] && [ $root = 1 ] && continue; command -v "$c" >/dev/null 2>&1 || echo "$c"; done`,
    );
    const missing = out.stdout
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    if (missing.length === 0) return { level: 'pass' };
    const hint = missing.includes('curl')
      ? ' (or set the agent source to push, opsworks_agent_source=push or ssm_agent_source=push, to copy the installer from the controller)'
      : '';
    return { level: 'fail', message: `missing on the host: ${missing.join(', ')}${hint}` };
  },
};

export const libyamlCheck: CheckDefinition = {
  name: 'libyaml',
  phase: 'preflight',
  playbooks: PLAYBOOKS,
  async run(ctx) {
    if (!agentOf(ctx).needsLibyaml) return { level: 'pass', message: 'the agent does not need it' };
    const out = await sh(
      ctx,
      '(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) | grep -q "libyaml-0" && echo yes && exit 0; for f in /usr/lib*/libyaml-0.so* /usr/lib*/*/libyaml-0.so* /lib*/*/libyaml-0.so*; do [ -e "$f" ] && echo yes && exit 0; done; echo no',
    );
    if (out.stdout.includes('yes')) return { level: 'pass' };
    const mgr = fact(ctx, 'ansible_pkg_mgr');
    const how =
      mgr === 'apt'
        ? 'sudo apt-get install libyaml-0-2'
        : mgr === 'zypper'
          ? 'sudo zypper install libyaml-0-2'
          : `sudo ${mgr ?? 'yum'} install libyaml`;
    return { level: 'fail', message: `libyaml is not installed (the agent needs it): ${how}` };
  },
};

export const installerReachableCheck: CheckDefinition = {
  name: 'HTTPS to the agent installer',
  phase: 'preflight',
  playbooks: PLAYBOOKS,
  async run(ctx) {
    const r = hostRegistration(ctx);
    if (!r) return { level: 'pass', message: 'no service or options invalid: reported by the options check' };
    if (r.request.agentSource === 'push') return { level: 'pass', message: 'push mode' };
    let url: string;
    try {
      url = (await r.service.context(ctx, r.request)).installerUrl;
    } catch {
      return { level: 'pass', message: 'stack not available: reported by the stack step' };
    }
    // One HTTP 5xx or timeout is no verdict: ask up to 3 times, as the install step's own download
    // retries (curl's --retry cannot rewrite --output /dev/null, so the loop is the shell's).
    const curl = `curl --silent --show-error --location --output /dev/null --max-time 20 --range 0-0 --write-out '%{http_code}' ${shQuote(url)}`;
    const out = await sh(
      ctx,
      `command -v curl >/dev/null 2>&1 || { echo nocurl; exit 0; }; for i in 1 2 3; do c=$(${curl}); case "$c" in 5??|000) sleep "$i" ;; *) break ;; esac; done; printf '%s' "$c"`,
      120_000,
    );
    const code = out.stdout.trim();
    if (code === 'nocurl') return { level: 'pass', message: 'no curl: reported by the prerequisites check' };
    if (/^(200|206)$/.test(code)) return { level: 'pass' };
    const why = out.stderr.trim().split('\n').pop() || `HTTP ${code || 'no answer'}`;
    return {
      level: 'fail',
      message: `the host cannot download the agent installer (${why}); open HTTPS out to S3, or set opsworks_agent_source=push`,
    };
  },
};

export const osUpdatesCheck: CheckDefinition = {
  name: 'OS updates',
  phase: 'post-setup',
  playbooks: PLAYBOOKS,
  async run(ctx): Promise<CheckResult> {
    // register_os_updates for any service; opsworks_os_updates, its older name, still works.
    const mode = String(ctx.vars.register_os_updates ?? ctx.vars.opsworks_os_updates ?? 'count');
    if (mode === 'off') return { level: 'pass', message: 'OS-update check is off' };
    if (mode === 'remind')
      return { level: 'notice', message: reminderNotice(fact(ctx, 'ansible_pkg_mgr'), agentOf(ctx).setup) };
    const out = await sh(ctx, UPDATES_COMMAND, 300_000);
    const notice = updatesNotice(parseUpdates(out.stdout), agentOf(ctx).setup);
    return notice
      ? { level: 'notice', message: notice }
      : { level: 'pass', message: 'no OS updates pending' };
  },
};

export const reservedMountsCheck: CheckDefinition = {
  name: 'reserved mount points',
  phase: 'post-setup',
  playbooks: PLAYBOOKS,
  async run(ctx) {
    if (requestOf(ctx)?.infrastructureClass !== 'ec2' || !agentOf(ctx).setupRewritesHost)
      return { level: 'pass' };
    const found = reservedMounts((await sh(ctx, 'cat /proc/mounts')).stdout);
    return found.length
      ? {
          level: 'notice',
          message: `volumes mounted on OpsWorks reserved mount points (${found.join(', ')}): setup registers attached EBS volumes; move them before assigning layers`,
        }
      : { level: 'pass' };
  },
};

export const etcHostsCheck: CheckDefinition = {
  name: '/etc/hosts',
  phase: 'post-setup',
  playbooks: PLAYBOOKS,
  async run(ctx) {
    if (!agentOf(ctx).setupRewritesHost) return { level: 'pass' };
    const custom = customHostsEntries((await sh(ctx, 'cat /etc/hosts 2>/dev/null || true')).stdout);
    return custom.length
      ? {
          level: 'notice',
          message: `OpsWorks setup overwrites /etc/hosts: ${custom.length} custom ${custom.length === 1 ? 'entry' : 'entries'} (first: "${custom[0]}") will be lost`,
        }
      : { level: 'pass' };
  },
};

export default definePlugin({
  name: 'checks',
  description: 'Preflight and post-setup checks: reserved mounts, host files, the OS-update reminder.',
  checks: [
    linuxCheck,
    osFamilyCheck,
    prerequisitesCheck,
    libyamlCheck,
    installerReachableCheck,
    osUpdatesCheck,
    reservedMountsCheck,
    etcHostsCheck,
  ],
});
