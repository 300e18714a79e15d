import { envAssignments, envPrefix, shQuote } from '../quote.js';

/**
 * Every name that is a builtin or a reserved word in a /bin/sh found on
 * servers (dash, bash, busybox ash, ksh/mksh), or that POSIX lets a shell
 * make one. A command starting with one of these may change the shell it runs
 * in (cd, exit, export, set, trap, read...), so it never runs directly unless
 * it is one of SIDE_EFFECT_FREE: see runsDirectly.
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
 * Regular builtins that read nothing but their arguments and change nothing in
 * the shell, in every shell above (no `printf`: bash's `printf -v` assigns a
 * variable; no `:`, a special builtin, after which an assignment would stay).
 * Run directly or in `( eval … )`, it is the same shell's builtin either way.
 */
const SIDE_EFFECT_FREE = new Set(['[', 'echo', 'false', 'pwd', 'test', 'true']);

/**
 * One token of a command that can run as it is: a list operator (`&&`, `||`,
 * `;`, `|`), or a word made of characters the shell takes as they are (no
 * expansion, glob, redirection or comment) and single-quoted strings, in which
 * the shell expands nothing, or a lone `[` or `]` (no glob without both).
 */
const TOKEN = /[ \t]*(&&|\|\||;|\||(?:[A-Za-z0-9_.,:/=+@%-]|'[^']*')+|\[(?=[ \t]|$)|\](?=[ \t]|$))/y;
/** Blanks up to the end: a newline is not one (it would end the command early). */
const END = /[ \t]*$/y;
const OPERATOR = new Set(['&&', '||', ';', '|']);
/** A word that can name a program: no quote, no `=` (which would make it an assignment). */
const PROGRAM = /^[A-Za-z0-9_./+-]+$/;

interface DirectShape {
  /** More than one simple command, joined by operators: runs as a `{ …; }` group. */
  list: boolean;
  /** Some command is a builtin: an assignment in front of it could outlive it, so no env. */
  builtin: boolean;
}

/**
 * The shape of `command` when every part of it can run in the persistent
 * shell as it is, undefined otherwise: simple commands of plain words joined
 * by `&&`, `||`, `;` or `|`, each starting with a program or a
 * SIDE_EFFECT_FREE builtin.
 */
function directShape(command: string): DirectShape | undefined {
  let list = false;
  let builtin = false;
  let atCommandStart = true;
  let at = 0;
  for (;;) {
    END.lastIndex = at;
    if (END.test(command)) break;
    TOKEN.lastIndex = at;
    const token = TOKEN.exec(command)?.[1];
    if (token === undefined) return undefined;
    at = TOKEN.lastIndex;
    if (OPERATOR.has(token)) {
      // An operator needs a command on both sides.
      if (atCommandStart) return undefined;
      list = true;
      atCommandStart = true;
      continue;
    }
    if (atCommandStart) {
      if (!PROGRAM.test(token) && token !== '[') return undefined;
      if (SHELL_WORDS.has(token)) {
        if (!SIDE_EFFECT_FREE.has(token)) return undefined;
        builtin = true;
      }
      atCommandStart = false;
    }
  }
  if (atCommandStart) return undefined;
  return { list, builtin };
}

/**
 * Whether `command` can run in the persistent shell as it is instead of in
 * `( eval '...' )`: one program with plain arguments (`uname -s`,
 * `systemctl restart nginx`, `mkdir -p '/opt/my app'`), or such commands and
 * side-effect-free builtins joined by `&&`, `||`, `;` or `|` (`test -d /tmp
 * && echo yes`, `dpkg -l | grep nginx`). Both ways give the same result for
 * such a command: a program cannot change the shell that starts it, these
 * builtins change nothing, and with only plain or single-quoted words there
 * is nothing for eval to parse differently or fail on. The direct way saves
 * the host the subshell's fork (and eval's, for one program), which is much
 * of what a short command costs a small host. Anything else (another builtin,
 * a `$`, a redirection, a glob, a newline, `&`) keeps the subshell.
 */
export function runsDirectly(command: string): boolean {
  return directShape(command) !== undefined;
}

/**
 * The shell text that runs `command` with `env`, isolated from the persistent
 * shell: directly when runsDirectly allows (one program with its variables as
 * assignments for it alone; a list as a `{ …; }` group, so a redirection after
 * it covers the whole list, only without variables); otherwise in a subshell
 * that exports them and evals the command. The escalated shell's `sudo …
 * /bin/sh` is such a program, so it too starts without a subshell.
 */
export function commandBody(command: string, env: Record<string, string> | undefined): string {
  // The empty command that proves a shell answers: the no-op builtin, no subshell for nothing.
  if (command === '' && !env) return ':';
  const shape = directShape(command);
  const hasEnv = env !== undefined && Object.keys(env).length > 0;
  if (!shape || ((shape.list || shape.builtin) && hasEnv)) {
    return `( ${envPrefix(env)}eval ${shQuote(command)} )`;
  }
  if (shape.list) return `{ ${command.trim()}; }`;
  return envAssignments(env) + command;
}
