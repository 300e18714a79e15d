import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Small commands put first on every sandbox host's PATH so the register flow
 * works per host without root: `hostname` and `uname -n` print the host's own
 * name, and `sudo` runs the command as the same user after accepting the
 * usual flags (and checking the password, from stdin, when the host has one).
 * Each sudo invocation is logged (argv only, never the password) under the
 * host's root so tests can check what ran with privileges.
 */

const HOSTNAME = `#!/bin/sh
# runner sandbox: this host's name (setting it needs root, as on a real host).
case "$1" in
  ""|-s|--short|-f|--fqdn|--long|-A|--all-fqdns) printf '%s\\n' "$RUNNER_SANDBOX_HOSTNAME" ;;
  -i|-I|--ip-address|--all-ip-addresses) printf '%s\\n' "$RUNNER_SANDBOX_ADDRESS" ;;
  *) echo "hostname: you must be root to change the host name" >&2; exit 1 ;;
esac
`;

function unameShim(real: string): string {
  return `#!/bin/sh
# runner sandbox: uname with this host's name as the node name.
case "$1" in
  -n|--nodename) printf '%s\\n' "$RUNNER_SANDBOX_HOSTNAME" ;;
  -a|--all) ${real} -a | { read -r k n rest; printf '%s %s %s\\n' "$k" "$RUNNER_SANDBOX_HOSTNAME" "$rest"; } ;;
  *) exec ${real} "$@" ;;
esac
`;
}

const SUDO = `#!/bin/sh
# runner sandbox: sudo that runs the command as the same user. Accepts
# -S -n -u root -H -E -k -p PROMPT and VAR=value assignments; with a password
# configured for the host it reads one line from stdin (there is no terminal)
# and compares its SHA-256 with the host's; -n then fails as real sudo does.
me=$(id -un)
prompt="[sudo] password for $me: "
stdin_pw=0
nonint=0
target=root
validate=0
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; break ;;
    -S|--stdin) stdin_pw=1 ;;
    -n|--non-interactive) nonint=1 ;;
    -H|--set-home|-E|--preserve-env|-k|--reset-timestamp|-i|--login) ;;
    --preserve-env=*) ;;
    -v|--validate) validate=1 ;;
    -u|--user) shift; target="$1" ;;
    --user=*) target="\${1#--user=}" ;;
    -u*) target="\${1#-u}" ;;
    -p|--prompt) shift; prompt="$1" ;;
    --prompt=*) prompt="\${1#--prompt=}" ;;
    -p*) prompt="\${1#-p}" ;;
    -[SnHEk]*)
      flags="\${1#-}"
      while [ -n "$flags" ]; do
        f=\${flags%"\${flags#?}"}
        flags=\${flags#?}
        case "$f" in S) stdin_pw=1 ;; n) nonint=1 ;; H|E|k) ;; *) echo "sudo: invalid option -- '$f'" >&2; exit 1 ;; esac
      done ;;
    -*) echo "sudo: invalid option -- '$1'" >&2; exit 1 ;;
    *) break ;;
  esac
  shift
done
case "$target" in
  root|0|"$me") ;;
  *) echo "sudo: unknown user $target" >&2; exit 1 ;;
esac
state="$RUNNER_SANDBOX_ROOT/.sandbox"
if [ -f "$state/sudo-password.sha256" ]; then
  if [ "$nonint" = 1 ]; then echo "sudo: a password is required" >&2; exit 1; fi
  printf '%s' "$prompt" | sed "s/%p/$me/g; s/%u/$me/g; s/%H/$RUNNER_SANDBOX_HOSTNAME/g; s/%h/$RUNNER_SANDBOX_HOSTNAME/g" >&2
  IFS= read -r pw || pw=
  given=$(printf '%s' "$pw" | sha256sum | cut -d' ' -f1)
  pw=
  if [ "$given" != "$(cat "$state/sudo-password.sha256")" ]; then
    echo "" >&2
    echo "sudo: 1 incorrect password attempt" >&2
    exit 1
  fi
fi
if [ "$validate" = 1 ] && [ $# -eq 0 ]; then exit 0; fi
if [ $# -eq 0 ]; then echo "usage: sudo [-nS] [-u user] command [arg ...]" >&2; exit 1; fi
while [ $# -gt 0 ]; do
  case "$1" in
    [A-Za-z_]*=*) export "$1"; shift ;;
    *) break ;;
  esac
done
mkdir -p "$state" 2>/dev/null
{ printf '%s' "$*" | tr '\\n' ' '; echo; } >> "$state/sudo.log"
SUDO_USER=$me SUDO_COMMAND="$*" SUDO_UID=$(id -u) SUDO_GID=$(id -g)
export SUDO_USER SUDO_COMMAND SUDO_UID SUDO_GID
exec "$@"
`;

export function writeShims(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const realUname = ['/usr/bin/uname', '/bin/uname'].find((p) => existsSync(p)) ?? '/bin/uname';
  writeFileSync(join(dir, 'hostname'), HOSTNAME, { mode: 0o755 });
  writeFileSync(join(dir, 'uname'), unameShim(realUname), { mode: 0o755 });
  writeFileSync(join(dir, 'sudo'), SUDO, { mode: 0o755 });
}
