/**
 * Python's ast.literal_eval for INI values: Ansible's INI plugin passes every
 * value through it and keeps the text when it is not a literal. So `010`, `yes`
 * and `false` stay strings while `10`, `True`, `'x'`, `[1, 2]` become values.
 *
 * Returns `{ ok: true, value }` for a literal, `{ ok: false }` otherwise; it
 * never throws. Literals JSON cannot hold (complex numbers, bytes) are refused
 * so the text is kept: ansible-inventory itself cannot print them.
 */
export type LiteralResult = { ok: true; value: unknown } | { ok: false };

class NotLiteral extends Error {}
/**
 * The one NotLiteral ever thrown. Most INI values (`10.0.0.1`, `r5`, host
 * names) are not literals, and building an Error captures a stack trace: a
 * new one per value cost 1 s of a 100,000-host inventory's 2.6 s list.
 */
const NOT_LITERAL = new NotLiteral('not a Python literal');

const MAX_DEPTH = 200; // Python's parser gives up around here too; keeps the stack safe.

/**
 * Text no literal starts with: a word other than True, False, None or a
 * string prefix before its quote (`deploy`, `r5`), or a dotted quad
 * (`10.0.0.1`). Such values, most of an INI inventory's, skip the parse and
 * its throw. It only ever answers for text the parser would refuse too.
 */
const NOT_A_LITERAL_START = /^(?:(?!True\b|False\b|None\b|[rRbBuUfF]{1,2}['"])[\p{L}_]|[0-9]+\.[0-9]*\.)/u;

export function pythonLiteral(text: string): LiteralResult {
  const trimmed = text.replace(/^[ \t]+/, '');
  if (NOT_A_LITERAL_START.test(trimmed)) return { ok: false };
  try {
    const p = new Parser(trimmed);
    const value = p.parseTop();
    return { ok: true, value };
  } catch (e) {
    if (e instanceof NotLiteral || e instanceof RangeError) return { ok: false };
    throw e;
  }
}

type Tok =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'name'; v: string }
  | { t: 'op'; v: string }
  | { t: 'end' };

class Parser {
  private pos = 0;
  private depth = 0;
  private tok: Tok;
  private bracket = 0;

  constructor(private readonly src: string) {
    this.tok = this.next();
  }

  parseTop(): unknown {
    const v = this.expr();
    if (this.tok.t === 'end') return v;
    // `1, 2` is a tuple in Python's eval mode.
    if (!this.eat(',')) this.fail();
    const items = [v];
    while (!this.atEnd()) {
      items.push(this.expr());
      if (!this.atEnd() && !this.eat(',')) this.fail();
    }
    return items;
  }

  /** A method, so TypeScript does not keep a narrowing of `tok` across calls that advance it. */
  private atEnd(): boolean {
    return this.tok.t === 'end';
  }

  private fail(): never {
    throw NOT_LITERAL;
  }

  private skipSpace(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t' || c === '\f') this.pos++;
      else if (c === '\\' && (s[this.pos + 1] === '\n' || s.startsWith('\r\n', this.pos + 1))) {
        this.pos += s[this.pos + 1] === '\n' ? 2 : 3;
      } else if ((c === '\n' || c === '\r') && this.bracket > 0) this.pos++;
      else if (c === '#') {
        while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      } else if ((c === '\n' || c === '\r') && this.onlySpaceAfter()) this.pos = s.length;
      else return;
    }
  }

  private onlySpaceAfter(): boolean {
    return /^[\s]*(?:#[^\n]*)?[\s]*$/.test(this.src.slice(this.pos));
  }

  private next(): Tok {
    this.skipSpace();
    const s = this.src;
    if (this.pos >= s.length) return { t: 'end' };
    const rest = s.slice(this.pos);
    const str = /^([rRbBuUfF]{0,2})('''|"""|'|")/.exec(rest);
    if (str && /^(?:|[rR]|[bB]|[uU]|[fF]|[rR][bB]|[bB][rR]|[rR][fF]|[fF][rR])$/.test(str[1])) {
      return this.string(str[1].toLowerCase(), str[2]);
    }
    const num =
      /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*\.?)(?:[eE][-+]?[0-9](?:_?[0-9])*)?)[jJ]?/.exec(
        rest,
      );
    if (num && num[0] !== '.') {
      this.pos += num[0].length;
      return { t: 'num', v: this.number(num[0]) };
    }
    const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(rest);
    if (name) {
      this.pos += name[0].length;
      return { t: 'name', v: name[0] };
    }
    const c = s[this.pos];
    if ('[](){},:+-'.includes(c)) {
      this.pos++;
      if ('[({'.includes(c)) this.bracket++;
      if ('])}'.includes(c)) this.bracket = Math.max(0, this.bracket - 1);
      return { t: 'op', v: c };
    }
    return this.fail();
  }

  private number(text: string): number {
    if (/[jJ]$/.test(text)) this.fail(); // complex
    const t = text.replace(/_/g, '');
    if (/^0[xX]/.test(t)) return Number.parseInt(t.slice(2), 16);
    if (/^0[oO]/.test(t)) return Number.parseInt(t.slice(2), 8);
    if (/^0[bB]/.test(t)) return Number.parseInt(t.slice(2), 2);
    if (/[.eE]/.test(t)) return Number(t);
    // Decimal integers may not have leading zeros unless they are all zeros ("00" is 0, "010" is a SyntaxError).
    if (/^0+$/.test(t)) return 0;
    if (t.startsWith('0')) this.fail();
    return Number(t);
  }

  private string(prefix: string, quote: string): Tok {
    const s = this.src;
    let i = this.pos + prefix.length + quote.length;
    const raw = prefix.includes('r');
    if (prefix.includes('f') || prefix.includes('b')) this.fail(); // f-strings are not literals; bytes cannot be printed
    let out = '';
    for (;;) {
      if (i >= s.length) this.fail();
      if (s.startsWith(quote, i)) {
        i += quote.length;
        break;
      }
      const c = s[i];
      if (quote.length === 1 && (c === '\n' || c === '\r')) this.fail();
      if (c === '\\') {
        if (i + 1 >= s.length) this.fail();
        if (raw) {
          out += c + s[i + 1];
          i += 2;
          continue;
        }
        const [text, used] = readEscape(s, i + 1);
        out += text;
        i += 1 + used;
        continue;
      }
      out += c;
      i++;
    }
    this.pos = i;
    return { t: 'str', v: out };
  }

  private eat(op: string): boolean {
    if (this.tok.t === 'op' && this.tok.v === op) {
      this.tok = this.next();
      return true;
    }
    return false;
  }

  private expr(): unknown {
    if (++this.depth > MAX_DEPTH) this.fail();
    try {
      return this.atom();
    } finally {
      this.depth--;
    }
  }

  private atom(): unknown {
    const tok = this.tok;
    if (tok.t === 'op' && (tok.v === '-' || tok.v === '+')) {
      this.tok = this.next();
      const operand = this.tok;
      if (operand.t !== 'num') return this.fail();
      this.tok = this.next();
      return tok.v === '-' ? -operand.v : operand.v;
    }
    if (tok.t === 'num') {
      this.tok = this.next();
      return tok.v;
    }
    if (tok.t === 'str') {
      // Adjacent string literals concatenate: 'a' "b" is 'ab'.
      let v = tok.v;
      this.tok = this.next();
      while (this.tok.t === 'str') {
        v += this.tok.v;
        this.tok = this.next();
      }
      return v;
    }
    if (tok.t === 'name') {
      this.tok = this.next();
      if (tok.v === 'True') return true;
      if (tok.v === 'False') return false;
      if (tok.v === 'None') return null;
      if (tok.v === 'set' && this.eat('(')) {
        if (!this.eat(')')) this.fail();
        return [];
      }
      return this.fail();
    }
    if (tok.t === 'op' && tok.v === '[') {
      this.tok = this.next();
      return this.sequence(']');
    }
    if (tok.t === 'op' && tok.v === '(') {
      this.tok = this.next();
      if (this.eat(')')) return [];
      const first = this.expr();
      if (this.eat(')')) return first; // parenthesised value, not a tuple
      if (!this.eat(',')) this.fail();
      const rest = this.sequence(')');
      return [first, ...rest];
    }
    if (tok.t === 'op' && tok.v === '{') {
      this.tok = this.next();
      return this.braces();
    }
    return this.fail();
  }

  private sequence(close: string): unknown[] {
    const items: unknown[] = [];
    while (!this.eat(close)) {
      items.push(this.expr());
      if (this.eat(close)) break;
      if (!this.eat(',')) this.fail();
    }
    return items;
  }

  private braces(): unknown {
    if (this.eat('}')) return {};
    const firstKey = this.expr();
    if (this.eat(':')) {
      const out: Record<string, unknown> = {};
      out[pyKey(firstKey)] = this.expr();
      while (!this.eat('}')) {
        if (!this.eat(',')) this.fail();
        if (this.eat('}')) break;
        const k = this.expr();
        if (!this.eat(':')) this.fail();
        out[pyKey(k)] = this.expr();
      }
      return out;
    }
    // A set literal: printed as a list, duplicates dropped.
    const items = [firstKey];
    while (!this.eat('}')) {
      if (!this.eat(',')) this.fail();
      if (this.eat('}')) break;
      items.push(this.expr());
    }
    return [...new Set(items)];
  }
}

/** How Python's json.dumps writes a dict key. Unhashable keys are not literals. */
function pyKey(key: unknown): string {
  if (key === null) return 'null';
  if (typeof key === 'boolean' || typeof key === 'number' || typeof key === 'string') return String(key);
  throw NOT_LITERAL;
}

const SIMPLE: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** One escape after a backslash at `i`: the text and how many characters it used. */
function readEscape(s: string, i: number): [string, number] {
  const c = s[i];
  if (c in SIMPLE) return [SIMPLE[c], 1];
  if (c === '\r') return ['', s[i + 1] === '\n' ? 2 : 1];
  const oct = /^[0-7]{1,3}/.exec(s.slice(i));
  if (oct) return [String.fromCodePoint(Number.parseInt(oct[0], 8)), oct[0].length];
  const hex =
    c === 'x'
      ? /^x([0-9a-fA-F]{2})/
      : c === 'u'
        ? /^u([0-9a-fA-F]{4})/
        : c === 'U'
          ? /^U([0-9a-fA-F]{8})/
          : null;
  if (hex) {
    const m = hex.exec(s.slice(i));
    if (!m) throw NOT_LITERAL;
    const cp = Number.parseInt(m[1], 16);
    if (cp > 0x10ffff) throw NOT_LITERAL;
    return [String.fromCodePoint(cp), m[0].length];
  }
  if (c === 'N') throw NOT_LITERAL; // \N{name} needs the Unicode name table; kept as text.
  return ['\\' + c, 1];
}
