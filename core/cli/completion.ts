/**
 * Shell completion scripts for `runner completion bash|zsh|fish`, generated
 * from the command tree (built-in commands, and those plugins add). Pure:
 * the tree in, the script out.
 */
export interface CompletionCommand {
  /** Path of names from the top: [] for `runner`, ['sandbox', 'start'] for a subcommand. */
  path: string[];
  description: string;
  /** `--long` and `-s` flags; `takesValue` flags are followed by a value (a file, mostly). */
  options: { flags: string[]; description: string; takesValue: boolean }[];
  subcommands: string[];
}

export interface CompletionTree {
  commands: CompletionCommand[];
  /** Named playbooks, offered as `runner play`'s first argument beside files. */
  playbooks: string[];
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const words = (list: string[]) => list.join(' ');
const key = (path: string[]) => (path.length ? path.join('_') : '_');

/** bash: one function; the words typed so far pick the command, then its subcommands or flags. */
function bash(tree: CompletionTree): string {
  const cases = tree.commands.map((c) => {
    const flags = c.options.flatMap((o) => o.flags);
    const extra = c.path.join(' ') === 'play' ? tree.playbooks : [];
    return `    ${key(c.path)}) subs="${words(c.subcommands)}"; flags="${words(flags)}"; extra="${words(extra)}";;`;
  });
  const valueFlags = [
    ...new Set(tree.commands.flatMap((c) => c.options.filter((o) => o.takesValue).flatMap((o) => o.flags))),
  ];
  return `# runner completion for bash: source <(runner completion bash)
_runner() {
  local cur prev path word i subs flags extra
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  path=_
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in -*) continue;; esac
    case " ${words(valueFlags)} " in *" \${COMP_WORDS[i-1]} "*) continue;; esac
    if [ "$path" = _ ]; then candidate="$word"; else candidate="\${path}_$word"; fi
    case "$candidate" in
${tree.commands
  .filter((c) => c.path.length > 0)
  .map((c) => `      ${key(c.path)}) path="$candidate";;`)
  .join('\n')}
    esac
  done
  case " ${words(valueFlags)} " in *" $prev "*) COMPREPLY=($(compgen -f -- "$cur")); return;; esac
  case "$path" in
${cases.join('\n')}
    *) subs=""; flags=""; extra="";;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [ -n "$subs" ]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$extra" -- "$cur") $(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _runner runner
`;
}

/** zsh: the bash function through zsh's bashcompinit, so both shells complete the same. */
function zsh(tree: CompletionTree): string {
  return `#compdef runner
# runner completion for zsh: source <(runner completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(tree).replace(/^# runner completion for bash.*\n/, '')}`;
}

const fishQuote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** fish: one `complete` line per subcommand and flag, conditioned on the words typed. */
function fish(tree: CompletionTree): string {
  const lines = ['# runner completion for fish: runner completion fish | source', 'complete -c runner -f'];
  const seen = (path: string[]) =>
    path.length === 0 ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${path[path.length - 1]}`;
  for (const c of tree.commands) {
    for (const sub of c.subcommands) {
      const child = tree.commands.find((d) => d.path.join(' ') === [...c.path, sub].join(' '));
      lines.push(
        `complete -c runner -n ${fishQuote(seen(c.path))} -a ${sub} -d ${fishQuote(child?.description ?? '')}`,
      );
    }
    for (const option of c.options) {
      const parts = option.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`));
      const cond = c.path.length === 0 ? '' : `-n ${fishQuote(seen(c.path))} `;
      lines.push(
        `complete -c runner ${cond}${parts.join(' ')}${option.takesValue ? ' -r -F' : ''} -d ${fishQuote(option.description)}`,
      );
    }
  }
  lines.push(
    `complete -c runner -n '__fish_seen_subcommand_from play' -F -a ${fishQuote(words(tree.playbooks))}`,
  );
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, tree: CompletionTree): string {
  return { bash, zsh, fish }[shell](tree);
}
