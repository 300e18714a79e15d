/**
 * The OS-update reminder: registration (OpsWorks' initial setup, SSM's
 * agent) does not update the operating system, so after registration each host is told how many updates
 * (and security updates) are pending and the command that applies them. A
 * fact: one command (apt, dnf, yum or zypper, read-only, no refresh) and a
 * pure parser tested on recorded output.
 */
export const UPDATES_COMMAND = [
  'if command -v apt-get >/dev/null 2>&1; then echo "@@apt"; apt-get -s -o Debug::NoLocking=1 upgrade 2>/dev/null | grep "^Inst " || true',
  'elif command -v dnf >/dev/null 2>&1; then echo "@@dnf"; dnf -q -C check-update 2>/dev/null; echo "@@security"; dnf -q -C updateinfo list --security 2>/dev/null || true',
  'elif command -v yum >/dev/null 2>&1; then echo "@@yum"; yum -q -C check-update 2>/dev/null; echo "@@security"; yum -q -C updateinfo list security 2>/dev/null || true',
  'elif command -v zypper >/dev/null 2>&1; then echo "@@zypper"; zypper -q -n --no-refresh lu 2>/dev/null; echo "@@security"; zypper -q -n --no-refresh lp --category security 2>/dev/null || true',
  'else echo "@@none"; fi',
].join('; ');

export type PackageManager = 'apt' | 'dnf' | 'yum' | 'zypper';

export interface UpdateCounts {
  manager?: PackageManager;
  total: number;
  security: number;
}

export const APPLY: Record<PackageManager, { all: string; security: string }> = {
  apt: { all: 'sudo apt-get update && sudo apt-get upgrade', security: 'sudo unattended-upgrade' },
  dnf: { all: 'sudo dnf upgrade', security: 'sudo dnf upgrade --security' },
  yum: { all: 'sudo yum update', security: 'sudo yum update --security' },
  zypper: { all: 'sudo zypper update', security: 'sudo zypper patch --category security' },
};

export function parseUpdates(stdout: string): UpdateCounts {
  const lines = stdout.split('\n');
  const marker = lines
    .find((l) => /^@@(apt|dnf|yum|zypper|none)$/.test(l.trim()))
    ?.trim()
    .slice(2);
  if (!marker || marker === 'none') return { total: 0, security: 0 };
  const manager = marker as PackageManager;
  const start = lines.findIndex((l) => l.trim() === `@@${manager}`) + 1;
  const sec = lines.findIndex((l) => l.trim() === '@@security');
  const main = lines.slice(start, sec >= 0 ? sec : undefined).filter((l) => l.trim());
  const security = sec >= 0 ? lines.slice(sec + 1).filter((l) => l.trim()) : [];
  switch (manager) {
    case 'apt': {
      const inst = main.filter((l) => l.startsWith('Inst '));
      return { manager, total: inst.length, security: inst.filter((l) => /security/i.test(l)).length };
    }
    case 'dnf':
    case 'yum': {
      // check-update: `name.arch  version  repo`; a blank line and "Obsoleting Packages" end the list.
      const obsoleting = main.findIndex((l) => /^Obsoleting/i.test(l));
      const pkgs = (obsoleting >= 0 ? main.slice(0, obsoleting) : main).filter((l) =>
        /^\S+\.\S+\s+\S+\s+\S+/.test(l.trim()),
      );
      const sec = security.filter((l) => /^\S+\s+\S*sec\S*\s+\S+/i.test(l.trim()) || /\/Sec\./.test(l));
      return { manager, total: pkgs.length, security: sec.length };
    }
    case 'zypper': {
      const rows = main.filter((l) => /^v\s*\|/.test(l.trim()));
      const sec = security.filter(
        (l) => l.includes('|') && /\|\s*security\s*\|/i.test(l) && /needed/i.test(l),
      );
      return { manager, total: rows.length, security: sec.length };
    }
  }
}

/** The recap line, or undefined when nothing is pending. */
export function updatesNotice(counts: UpdateCounts, setup = 'OpsWorks setup'): string | undefined {
  if (!counts.manager || counts.total === 0) return undefined;
  const apply = APPLY[counts.manager];
  const sec = counts.security > 0 ? ` (${counts.security} security: ${apply.security})` : '';
  return `${counts.total} OS updates pending${sec}; ${setup} does not update the OS: apply them with ${apply.all}`;
}

/** Without counting (opsworks_os_updates: remind): the reminder and the command, from the pkg_mgr fact. */
export function reminderNotice(pkgMgr: string | undefined, setup = 'OpsWorks setup'): string {
  const known = (['apt', 'dnf', 'yum', 'zypper'] as const).find((m) => m === pkgMgr);
  const how = known ? `: ${APPLY[known].all}` : '';
  return `${setup} does not update the OS: apply pending security updates${how}`;
}
