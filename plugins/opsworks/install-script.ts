import { shQuote } from '../../core/connection/quote.js';

/**
 * The host-side steps of the agent install, as separate commands so that no
 * secret ever rides on a command line: the preconfig (with the secret key) is
 * put as a 0600 file inside a 0700 temp directory; every command here carries
 * only the directory, the installer URL and the assets bucket. The last step
 * runs with privileges and removes the directory on exit, success or failure
 * (trap); the module removes it too when an earlier step failed.
 */
export function makeTempDirCommand(name: string): string {
  if (!TEMP_NAME.test(name)) throw new Error(`not a temp dir name of ours: ${name}`);
  // The name is chosen (and journaled) by the controller first, so a crash right after leaves a path the next run can remove.
  return `umask 077 && d="\${TMPDIR:-/tmp}/${name}" && mkdir -m 700 -- "$d" && printf '%s\\n' "$d"`;
}

const TEMP_NAME = /^opsworks-register\.[A-Za-z0-9]{8}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `opsworks-register.XXXXXXXX`, random like mktemp's. */
export function newTempDirName(random: (n: number) => Buffer): string {
  return `opsworks-register.${[...random(8)].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
}

/** Removes a temp dir by name under the host's $TMPDIR (a later run cleaning up after a crash). */
export function removeTempDirCommand(name: string): string {
  if (!TEMP_NAME.test(name)) throw new Error(`not a temp dir name of ours: ${name}`);
  return `rm -rf -- "\${TMPDIR:-/tmp}/${name}"`;
}

/** url mode: the host downloads the installer (retries, redirects) and untars it. */
export function downloadCommand(dir: string, url: string): string {
  const d = shQuote(dir);
  return [
    'umask 077',
    `cd ${d}`,
    `curl --silent --show-error --fail --location --retry 5 --retry-delay 2 --retry-connrefused --connect-timeout 20 --max-time 600 -o opsworks-agent-installer.tgz ${shQuote(url)}`,
    'tar -xzf opsworks-agent-installer.tgz',
    'test -x opsworks-agent-installer/boot-registration',
  ].join(' && ');
}

/** push mode: the installer was put into the directory; untar it there. */
export function untarCommand(dir: string): string {
  return [
    'umask 077',
    `cd ${shQuote(dir)}`,
    'tar -xzf opsworks-agent-installer.tgz',
    'test -x opsworks-agent-installer/boot-registration',
  ].join(' && ');
}

export function preconfigPath(dir: string): string {
  return `${dir}/opsworks-agent-installer/preconfig`;
}

/** Runs the installer (under become) with OPSWORKS_ASSETS_DOWNLOAD_BUCKET; the trap removes the directory. */
export function bootRegistrationCommand(dir: string, assetsBucket: string | undefined): string {
  const d = shQuote(dir);
  const env = assetsBucket ? `OPSWORKS_ASSETS_DOWNLOAD_BUCKET=${shQuote(assetsBucket)} ` : '';
  return `trap 'rm -rf -- ${d}' EXIT HUP INT TERM; ${env}${d}/opsworks-agent-installer/boot-registration`;
}

export function removeCommand(dir: string): string {
  return `rm -rf -- ${shQuote(dir)}`;
}

/** A temp dir path we made: refuse anything else before an `rm -rf`. */
export function isOurTempDir(path: string): boolean {
  return /^\/[^\s'"`$\\]*\/opsworks-register\.[A-Za-z0-9]{8}$/.test(path);
}

/** `Instance successfully registered. Instance ID: <id>` */
export function parseInstanceId(stdout: string): string | undefined {
  return /Instance successfully registered\. Instance ID: (\S+)/.exec(stdout)?.[1];
}
