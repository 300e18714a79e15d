import { envAssignments, envPrefix, shQuote } from '../quote.js';

/**
 * Every name that is a builtin or a reserved word in a /bin/sh found on
 * servers (dash, bash, busybox ash, ksh/mksh), or that POSIX lets a shell
 * make one. A command starting with one of these may change the shell it runs
 * in (cd, exit, export, set, trap, read...) or behave differently from the
 * program of the same name (echo), so it never runs directly: see
 * runsDirectly.
 */
const SHELL_WORDS = new Set(
  (
    '! . : [ [[ ]] { } alias autoload bg bind break builtin caller case cd chdir command compgen complete ' +
    'compopt continue coproc declare dirs disown do done echo elif else enable esac eval exec exit export ' +
    'false fc fg fi for function getopts global hash help history if in integer jobs kill let local logout ' +
    'mapfile newgrp popd print printf pushd pwd read readarray readonly realpath return select set shift ' +
    'shopt source suspend test then time times trap true type typeset ulimit umask unalias unset until ' +
    'wait whence while'
  ).split(' '),
);

/**
 * The first word, a program's name or path (no `=`, which would make it an
 * assignment), then arguments made of characters the shell takes as they are
 * (no expansion, glob, operator or comment) and single-quoted strings, in
 * which the shell expands nothing; words separated by spaces.
 */
const PLAIN_COMMAND = /^ *([A-Za-z0-9_./+-]+)(?: +(?:[A-Za-z0-9_.,:/=+@%-]|'[^']*')+)* *$/;

/**
 * Whether `command` is one program with plain arguments (`uname -s`,
 * `systemctl restart nginx`, `mkdir -p '/opt/my app'`), which the persistent
 * shell can run as it is instead of in `( eval '...' )`. Both give the same
 * result for such a command: a program cannot change the shell that starts
 * it, and with only plain or single-quoted words there is nothing for eval to
 * parse differently or fail on. The direct way starts one process on the host
 * instead of three (the subshell, eval's fork, the program), which is most of
 * what a short command costs a small host. Anything else (a builtin, an
 * operator, a `$`, a redirection, a glob, a newline) keeps the subshell.
 */
export function runsDirectly(command: string): boolean {
  const program = PLAIN_COMMAND.exec(command)?.[1];
  return program !== undefined && !SHELL_WORDS.has(program);
}

/**
 * The shell text that runs `command` with `env`, isolated from the persistent
 * shell: directly, with the variables as assignments for that one program,
 * when runsDirectly allows; otherwise in a subshell that exports them and
 * evals the command. The escalated shell's `sudo … /bin/sh` is such a
 * program, so it too starts without a subshell.
 */
export function commandBody(command: string, env: Record<string, string> | undefined): string {
  // The empty command that proves a shell answers: the no-op builtin, no subshell for nothing.
  if (command === '' && !env) return ':';
  if (!runsDirectly(command)) return `( ${envPrefix(env)}eval ${shQuote(command)} )`;
  return envAssignments(env) + command;
}
