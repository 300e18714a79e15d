/** A few string helpers for the XML the query and REST-XML protocols return. */

export function esc(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<tag>value</tag>` with the value escaped; nothing when the value is absent. */
export function txt(tag: string, value: string | number | boolean | undefined | null): string {
  return value === undefined || value === null ? '' : `<${tag}>${esc(String(value))}</${tag}>`;
}

/** `<tag>inner</tag>` with inner already XML. */
export function el(tag: string, inner: string): string {
  return `<${tag}>${inner}</${tag}>`;
}

/** A query-protocol list: `<tag><member>…</member>…</tag>`. */
export function members(tag: string, items: string[]): string {
  return el(tag, items.map((i) => el('member', i)).join(''));
}

/** An EC2 list: `<tag><item>…</item>…</tag>`. */
export function items(tag: string, list: string[]): string {
  return el(tag, list.map((i) => el('item', i)).join(''));
}

export const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';
