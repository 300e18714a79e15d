/** POSIX single-quoting: the shell expands nothing inside single quotes. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
