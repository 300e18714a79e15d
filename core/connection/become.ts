import { randomBytes } from 'node:crypto';
import { shQuote } from './quote.js';
import type { BecomeSpec } from './types.js';

/**
 * Privilege escalation as a pure string transform (Ansible's become/sudo.py
 * and su.py): the command is wrapped so that
 *  - the tool prompts with a random marker we can recognise (sudo `-p`), and
 *    the password goes over stdin after it, never on a command line;
 *  - a success marker is echoed once escalated, so we know escalation
 *    happened and can cut everything before it from stdout;
 *  - without a password sudo runs with `-n`, so a host that wants one fails
 *    at once ("a password is required") instead of hanging on a prompt.
 */
export interface BecomeCommand {
  /** The full command line to run (carries no secret). */
  command: string;
  /** Recognises the password prompt in the output; undefined when no password will be sent. */
  prompt?: RegExp;
  /** Printed on its own line on stdout once escalated. */
  success: string;
  /** su reads the password from a terminal; sudo -S reads it from stdin. */
  pty: boolean;
}

export function becomeId(): string {
  return randomBytes(12).toString('hex');
}

export function becomeCommand(command: string, spec: BecomeSpec, id: string = becomeId()): BecomeCommand {
  const success = `BECOME-SUCCESS-${id}`;
  const user = spec.user ?? 'root';
  // The escalated shell prints the marker before anything the command prints.
  const inner = `/bin/sh -c ${shQuote(`echo ${success}; ${command}`)}`;
  const flags = spec.flags?.trim() ? `${spec.flags.trim()} ` : '';
  if (spec.method === 'sudo') {
    if (spec.password) {
      const marker = `[sudo via runner, key=${id}] password:`;
      return {
        command: `sudo ${flags}-H -S -p ${shQuote(marker)} -u ${shQuote(user)} -- ${inner}`,
        prompt: new RegExp(escapeRegExp(marker)),
        success,
        pty: false,
      };
    }
    return { command: `sudo ${flags}-H -S -n -u ${shQuote(user)} -- ${inner}`, success, pty: false };
  }
  // su has no prompt option; match its (possibly localised) "Password:" prompt as Ansible does.
  return {
    command: `su ${flags}${shQuote(user)} -c ${shQuote(inner)}`,
    prompt: spec.password
      ? /(?:^|\n|\r)[^\n\r]*(?:password|passwort|mot de passe|contraseña|密码)\s*[:：]\s*$/i
      : undefined,
    success,
    pty: true,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The reason a become attempt failed, from what the tool printed (no secrets: they never reach output). */
export function becomeFailureReason(method: BecomeSpec['method'], output: string): string {
  const text = output.replace(/\r/g, '');
  if (/password is required|a terminal is required/i.test(text))
    return `${method} requires a password and none was given`;
  if (/incorrect password|sorry, try again|authentication failure/i.test(text))
    return `incorrect ${method} password`;
  if (/not in the sudoers|not allowed to (execute|run)/i.test(text)) return 'user may not run sudo here';
  if (/unknown user|does not exist/i.test(text)) return `${method}: target user does not exist`;
  if (/command not found|not found/i.test(text) && new RegExp(`\\b${method}\\b`).test(text))
    return `${method} is not installed`;
  const last = text.trim().split('\n').filter(Boolean).pop();
  return last ? `${method} failed: ${last.slice(0, 200)}` : `${method} failed`;
}
