import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { shQuote } from './quote.js';

/**
 * The pieces of an atomic put, shared by the SFTP and the stdin paths: the
 * temporary name sits in the target's directory (rename is atomic only within
 * one filesystem) and is hidden; the mode is set before the rename, so the
 * file never appears at its path with the wrong permissions.
 */
export const DEFAULT_PUT_MODE = 0o644;

export function tempPathFor(path: string): string {
  return posix.join(posix.dirname(path), `.${posix.basename(path)}.runner-${randomBytes(6).toString('hex')}`);
}

export function modeString(mode: number | undefined): string {
  return ((mode ?? DEFAULT_PUT_MODE) & 0o7777).toString(8).padStart(4, '0');
}

/** `cat > tmp` over stdin, for hosts without SFTP and for become (where SFTP runs as the wrong user). */
export function stdinPutCommand(path: string, tmp: string, mode: number | undefined, owner?: string): string {
  const t = shQuote(tmp);
  const steps = [
    // umask 077: the temporary file is private until chmod gives it its final mode.
    'umask 077',
    `cat > ${t}`,
    `chmod ${modeString(mode)} ${t}`,
    ...(owner ? [`chown ${shQuote(owner)} ${t}`] : []),
    `mv -f ${t} ${shQuote(path)}`,
  ];
  return `${steps.join(' && ')} || { rc=$?; rm -f ${t}; exit $rc; }`;
}
