/**
 * What a shell reads from its stdin, split into the command lines it runs:
 * used to record the commands fed to a persistent shell (an exec of a bare
 * `/bin/sh`, or a shell session), which otherwise reach the host as one
 * `/bin/sh` and nothing else. Here-document bodies are data (a file's
 * content, base64 stdin), not commands, and are not recorded: what the
 * command that reads them does is. Pure: tested on strings.
 */

/** An exec command that starts a shell reading its commands from stdin (no `-c`). */
const BARE_SHELL = /^\s*(?:exec\s+)?(?:\S*\/)?(?:sh|bash|dash|ash|ksh|zsh)(?:\s+-[a-z]+)*\s*$/;

export function readsCommandsFromStdin(command: string): boolean {
  return BARE_SHELL.test(command) && !/\s-[a-z]*c/.test(command);
}

/** `<<WORD`, `<<-WORD`, `<<'WORD'`, `<< "WORD"`: the delimiter of each here-document a line opens. */
const HEREDOC = /<<(-?)\s*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z0-9_]+))/g;

function heredocs(line: string): Array<{ word: string; tabs: boolean }> {
  const out: Array<{ word: string; tabs: boolean }> = [];
  for (const m of line.matchAll(HEREDOC)) {
    out.push({ word: (m[2] ?? m[3] ?? m[4]) as string, tabs: m[1] === '-' });
  }
  return out;
}

/**
 * A line that starts `sudo -S` with a password prompt (no `-n`): sudo, not the
 * shell, reads the next line of stdin, the password. A real host's shell never
 * sees it, so it is not a command (and must not reach the record).
 */
const SUDO_READS_PASSWORD = /\bsudo\s(?![^;&|]*\s-[A-Za-z]*n\b)[^;&|]*\s-[A-Za-z]*S\b/;

export class ShellInput {
  #pending = '';
  /** Lines of stdin that a `sudo -S` started by an earlier line reads as its password. */
  #passwordLines = 0;
  /** Here-documents still open, in order: their bodies follow the line that opened them. */
  #open: Array<{ word: string; tabs: boolean }> = [];

  /** Feeds a chunk of stdin; returns the complete command lines in it. */
  push(chunk: string): string[] {
    this.#pending += chunk;
    const lines = this.#pending.split('\n');
    this.#pending = lines.pop() ?? '';
    const commands: string[] = [];
    for (const line of lines) {
      const body = this.#open[0];
      if (body) {
        if ((body.tabs ? line.replace(/^\t+/, '') : line) === body.word) this.#open.shift();
        continue;
      }
      if (this.#passwordLines > 0) {
        this.#passwordLines--;
        continue;
      }
      if (!line.trim()) continue;
      commands.push(line);
      if (SUDO_READS_PASSWORD.test(line)) this.#passwordLines = 1;
      this.#open.push(...heredocs(line));
    }
    return commands;
  }

  /** What is left when stdin ends: a last command line with no newline. */
  end(): string[] {
    const rest = this.#pending;
    this.#pending = '';
    return this.#open.length === 0 && rest.trim() ? [rest] : [];
  }
}
