/**
 * POSIX shell quoting. Single quotes are the only quoting in which the shell
 * expands nothing, so every argument we build goes through here: a value with
 * a quote in it becomes 'it'\''s', which every POSIX sh reads back verbatim.
 */
export function shQuote(value: string): string {
  if (value === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Names a POSIX shell accepts for `export NAME=...`; anything else is refused, not quoted. */
export function isEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** `export A='1'; export B='2'; ` for a command prefix (sshd drops `env` requests unless AcceptEnv). */
export function envPrefix(env: Record<string, string> | undefined): string {
  return envWords(env, (name, value) => `export ${name}=${value}; `);
}

/** `A='1' B='2' ` before one program: the variables are in its environment only. */
export function envAssignments(env: Record<string, string> | undefined): string {
  return envWords(env, (name, value) => `${name}=${value} `);
}

function envWords(
  env: Record<string, string> | undefined,
  word: (name: string, quoted: string) => string,
): string {
  if (!env) return '';
  let out = '';
  for (const [name, value] of Object.entries(env)) {
    if (!isEnvName(name)) throw new Error(`invalid environment variable name: ${JSON.stringify(name)}`);
    out += word(name, shQuote(value));
  }
  return out;
}
