/**
 * Python's shlex.split(line, comments=True) in POSIX mode, which Ansible's INI
 * plugin uses to cut a host line into the host and its `key=value` tokens.
 * Quotes are consumed, a backslash escapes outside single quotes, and `#`
 * starts a comment wherever a token could start or continue (so `a=b#c` is
 * `a=b`). Throws ShlexError with Python's wording on an open quote or escape.
 */
export class ShlexError extends Error {}

const WHITESPACE = ' \t\r\n';

export function shlexSplit(line: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let inToken = false; // a token has started (it may be empty: '' is a token)
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (WHITESPACE.includes(c)) {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
      i++;
    } else if (c === '#') {
      // Python reads the rest of the line and ends the token.
      const nl = line.indexOf('\n', i);
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
      i = nl === -1 ? line.length : nl + 1;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new ShlexError('No closing quotation');
      token += line.slice(i + 1, end);
      inToken = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new ShlexError('No closing quotation');
        const d = line[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\') {
          if (i + 1 >= line.length) throw new ShlexError('No closing quotation');
          const n = line[i + 1];
          // Inside double quotes a backslash only escapes `"` and `\`.
          token += n === '"' || n === '\\' ? n : d + n;
          i += 2;
          continue;
        }
        token += d;
        i++;
      }
      inToken = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('No escaped character');
      token += line[i + 1];
      inToken = true;
      i += 2;
    } else {
      token += c;
      inToken = true;
      i++;
    }
  }
  if (inToken) tokens.push(token);
  return tokens;
}
