import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type CompletionTree, completionScript } from '../../../core/cli/completion.js';

const tree: CompletionTree = {
  commands: [
    {
      path: [],
      description: 'runner',
      options: [{ flags: ['--version', '-V'], description: 'v', takesValue: false }],
      subcommands: ['play', 'plugins'],
    },
    {
      path: ['play'],
      description: 'run a playbook',
      options: [
        { flags: ['--inventory', '-i'], description: 'inv', takesValue: true },
        { flags: ['--check', '-C'], description: 'dry', takesValue: false },
      ],
      subcommands: [],
    },
    { path: ['plugins'], description: 'plugins', options: [], subcommands: ['list', 'new'] },
    {
      path: ['plugins', 'list'],
      description: 'list them',
      options: [{ flags: ['--json'], description: 'json', takesValue: false }],
      subcommands: [],
    },
    { path: ['plugins', 'new'], description: 'scaffold', options: [], subcommands: [] },
  ],
  playbooks: ['register'],
};

/** What bash offers for the words typed so far (the last one being completed). */
function bashCompletes(words: string[]): string[] {
  const script = `${completionScript('bash', tree)}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _runner; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', script], { cwd: '/', encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('runner completion', () => {
  it('bash completes commands, subcommands, flags and plugin playbooks', () => {
    expect(bashCompletes(['runner', 'pl'])).toEqual(['play', 'plugins']);
    expect(bashCompletes(['runner', 'plugins', ''])).toEqual(['list', 'new']);
    expect(bashCompletes(['runner', 'plugins', 'list', '--'])).toEqual(['--json']);
    expect(bashCompletes(['runner', 'play', '--c'])).toEqual(['--check']);
    expect(bashCompletes(['runner', 'play', 'reg'])).toEqual(['register']);
    // After a flag that takes a value, the subcommand is still known.
    expect(bashCompletes(['runner', 'play', '-i', 'x.yml', '-'])).toEqual([
      '--inventory',
      '-i',
      '--check',
      '-C',
    ]);
  });

  it('fish gets one line per subcommand and flag', () => {
    const fish = completionScript('fish', tree);
    expect(fish).toContain(
      "complete -c runner -n '__fish_seen_subcommand_from plugins' -a list -d 'list them'",
    );
    expect(fish).toContain(
      "complete -c runner -n '__fish_seen_subcommand_from play' -l inventory -s i -r -F -d 'inv'",
    );
  });

  it('zsh reuses the bash function through bashcompinit', () => {
    expect(completionScript('zsh', tree)).toMatch(
      /^#compdef runner\n[\s\S]*bashcompinit[\s\S]*complete -o filenames -F _runner runner/,
    );
  });
});
