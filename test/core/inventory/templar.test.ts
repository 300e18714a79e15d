import { describe, expect, it } from 'vitest';
import { resolveTemplates } from '../../../core/inventory/index.js';

describe('the small template resolver', () => {
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

  it('names what it cannot resolve', () => {
    expect(() => resolveTemplates('{{ missing }}', vars)).toThrow(
      'undefined variable in "{{ missing }}": missing',
    );
    expect(() => resolveTemplates('{{ ip | upper }}', vars)).toThrow(/unsupported filter "upper"/);
    expect(() => resolveTemplates('{{ a }}', { a: '{{ b }}', b: '{{ a }}' })).toThrow(/recursive loop/);
  });
});
