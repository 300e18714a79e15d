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
 * time. An owner on another machine cannot be checked from here: it counts as
 * alive (an operator settles it with `runner journal reconcile --force`).
 */
export function isAlive(owner: Owner): boolean {
  if (owner.machine !== hostname()) return true;
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
