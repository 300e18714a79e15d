import { describe, expect, it } from 'vitest';
import { resolveTemplates } from '../../../core/inventory/index.js';

describe("inventory templates, through the plays' engine", () => {
  const vars = {
    ip: '10.0.0.1',
    port: 22,
    site: { dc: 'dc1' },
    list: ['a', 'b'],
    empty: '',
    addr: '{{ ip }}',
  };

  it('keeps the type of a value that is one expression, and chains through vars', () => {
    expect(resolveTemplates('{{ port }}', vars)).toBe(22);
    expect(resolveTemplates('{{ addr }}', vars)).toBe('10.0.0.1');
    expect(resolveTemplates('{{ site.dc }}/{{ list[1] }}', vars)).toBe('dc1/b');
  });

  it('knows default(), including default(x, true) for empty values', () => {
    expect(resolveTemplates("{{ missing | default('x') }}", vars)).toBe('x');
    expect(resolveTemplates('{{ missing | default(ip) }}', vars)).toBe('10.0.0.1');
    expect(resolveTemplates("{{ empty | default('x') }}", vars)).toBe('');
    expect(resolveTemplates("{{ empty | default('x', true) }}", vars)).toBe('x');
  });

  it("has the plays' filters", () => {
    expect(resolveTemplates('{{ site.dc | upper }}-{{ ip | replace(".", "-") }}', vars)).toBe('DC1-10-0-0-1');
    expect(resolveTemplates('{{ list | join(",") | lower }}', vars)).toBe('a,b');
  });

  it('names what it cannot resolve', () => {
    expect(() => resolveTemplates('{{ missing }}', vars)).toThrow(
      `template error in "{{ missing }}": 'missing' is undefined`,
    );
    expect(() => resolveTemplates('{{ ip | no_such_filter }}', vars)).toThrow(/no_such_filter/);
    expect(() => resolveTemplates('{{ a }}', { a: '{{ b }}', b: '{{ a }}' })).toThrow(/recursive loop/);
  });
});
