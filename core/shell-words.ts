/**
 * Splits a line into words the way a POSIX shell would: quotes group and are
 * removed, a backslash escapes the next character, no expansion. One splitter
 * for every caller (module args, `-e` words, ssh common args) so that they
 * cannot drift apart.
 */
export interface ShellWordsOptions {
  /** Keep `{{ … }}`, `{% … %}` and `{# … #}` whole and verbatim, as Ansible's split_args does. */
  jinja?: boolean;
  /**
   * Inside double quotes a backslash escapes only `"`, `\`, `$` and a
   * backquote, as in sh and ssh's own parser; otherwise it escapes any character.
   */
  posixDoubleQuotes?: boolean;
  /** An open quote at the end throws UnterminatedQuoteError; otherwise it closes there. */
  strict?: boolean;
}

export class UnterminatedQuoteError extends Error {
  constructor(readonly quote: '"' | "'") {
    super(`unterminated ${quote} quote`);
  }
}

const JINJA_CLOSE: Record<string, string> = { '{{': '}}', '{%': '%}', '{#': '#}' };

/** The words of `text`. */
export function splitShellWords(text: string, options: ShellWordsOptions = {}): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const close = options.jinja && !quote && c === '{' ? JINJA_CLOSE[text.slice(i, i + 2)] : undefined;
    if (close) {
      const end = text.indexOf(close, i + 2);
      const stop = end === -1 ? text.length : end + 2;
      current += text.slice(i, stop);
      inWord = true;
      i = stop - 1;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length && escapes(text[i + 1]!, options))
        current += text[++i];
      else current += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === '"' || c === "'") quote = c;
    else if (c === '\\' && i + 1 < text.length) current += text[++i];
    else current += c;
  }
  if (quote && options.strict) throw new UnterminatedQuoteError(quote);
  if (inWord) words.push(current);
  return words;
}

function escapes(next: string, options: ShellWordsOptions): boolean {
  return !options.posixDoubleQuotes || '"\\$`'.includes(next);
}
