import { readFileSync } from 'node:fs';

/**
 * A fenced code block of a Markdown page and what the HTML comment just above
 * it says to do with it. Every block carries one, so a new example is either
 * run by test/docs/snippets.test.ts or marked a fragment on purpose:
 *
 *   <!-- runs -->                       a shell block, run line by line with `runner` on PATH
 *   <!-- runs: expect "text" ... -->    …and its output must contain each text
 *   <!-- file: NAME -->                 written to NAME in the page's scratch dir before later blocks run
 *   <!-- inventory: NAME -->            written to NAME, then read by `runner inventory list` and by
 *                                       `ansible-inventory --list`, which must both accept it
 *   <!-- fragment: why -->              not run; the reason is required
 */
export type Directive =
  | { kind: 'runs'; expect: string[] }
  | { kind: 'file'; name: string }
  | { kind: 'inventory'; name: string }
  | { kind: 'fragment'; reason: string };

export interface Snippet {
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  body: string;
  directive: Directive | undefined;
  /** The comment text when it was not understood. */
  unknown?: string;
}

const FENCE = /^```(\S*)\s*$/;
const COMMENT = /^<!--\s*(.*?)\s*-->$/;

export function parseDirective(text: string): Directive | undefined {
  const runs = /^runs(?::\s*(.*))?$/.exec(text);
  if (runs) {
    const expect = [...(runs[1] ?? '').matchAll(/expect\s+"((?:[^"\\]|\\.)*)"/g)].map((m) =>
      (m[1] ?? '').replace(/\\(.)/g, '$1'),
    );
    return { kind: 'runs', expect };
  }
  const file = /^(file|inventory):\s*(\S+)$/.exec(text);
  if (file) return { kind: file[1] as 'file' | 'inventory', name: file[2] ?? '' };
  const fragment = /^fragment:\s*(\S.*)$/.exec(text);
  if (fragment) return { kind: 'fragment', reason: fragment[1] ?? '' };
  return undefined;
}

/** The page's top-level fenced blocks, in order, each with the directive above it. */
export function snippetsOf(page: string, text = readFileSync(page, 'utf8')): Snippet[] {
  const lines = text.split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    let above = start - 1;
    while (above >= 0 && (lines[above] ?? '').trim() === '') above--;
    const comment = COMMENT.exec((lines[above] ?? '').trim());
    const directive = comment ? parseDirective(comment[1] ?? '') : undefined;
    out.push({
      page,
      line: start + 1,
      lang: open[1] ?? '',
      body: `${body.join('\n')}\n`,
      directive,
      ...(comment && !directive ? { unknown: comment[1] } : {}),
    });
  }
  return out;
}
