import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who owns a journal or a host lock: this machine's name, a pid, and that
 * process's start time (so a recycled pid does not keep a dead run alive).
 */
export interface Owner {
  machine: string;
  pid: number;
  /** Clock ticks since boot when the process started (Linux /proc), if known. */
  pidStart?: string;
}

/**
 * While a run holds a journal or a lock, it refreshes it this often (a
 * heartbeat): the only sign of life another machine can check.
 */
export const LOCK_HEARTBEAT_MS = 30_000;
/**
 * An owner on another machine counts as dead once its heartbeat is this old:
 * twenty missed beats, far beyond a busy machine's pause, short enough not to
 * keep a crashed run's hosts from the fleet for long.
 */
export const FOREIGN_LOCK_STALE_MS = 10 * 60_000;

function startOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function currentOwner(): Owner {
  const pidStart = startOf(process.pid);
  return { machine: hostname(), pid: process.pid, ...(pidStart ? { pidStart } : {}) };
}

/**
 * Alive: this process, or a process on this machine with that pid and start
 * time. An owner on another machine cannot be checked from here: it is alive
 * while its last heartbeat (ms since the epoch, by the store's clock: a
 * file's mtime, an object's LastModified) is younger than
 * FOREIGN_LOCK_STALE_MS; a missing heartbeat counts as long gone.
 */
export function isAlive(owner: Owner, heartbeatAt: number | undefined, now = Date.now()): boolean {
  if (owner.machine !== hostname())
    return heartbeatAt !== undefined && now - heartbeatAt < FOREIGN_LOCK_STALE_MS;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!owner.pidStart) return true;
  const start = startOf(owner.pid);
  return start === undefined || start === owner.pidStart;
}
