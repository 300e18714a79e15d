import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../../core/inventory/host-range.js';

// Ansible's parse_address(allow_ranges=True); the expected values are what it returns.
describe('parseAddress', () => {
  it('reads ASCII names, ports and ranges', () => {
    expect(parseAddress('localhost')).toEqual({ host: 'localhost', port: undefined });
    expect(parseAddress('web-01.example.com:2222')).toEqual({ host: 'web-01.example.com', port: 2222 });
    expect(parseAddress('web[01:10].example')).toEqual({ host: 'web[01:10].example', port: undefined });
    expect(parseAddress('db_[a:c]')).toEqual({ host: 'db_[a:c]', port: undefined });
  });

  it("reads names in other scripts as Python's \\w does", () => {
    expect(parseAddress('sérveur-1')).toEqual({ host: 'sérveur-1', port: undefined });
    expect(parseAddress('узел.пример:22')).toEqual({ host: 'узел.пример', port: 22 });
  });

  it('is not an address when a label ends in - or _, or holds other punctuation', () => {
    expect(parseAddress('web-')).toBeUndefined();
    expect(parseAddress('wéb_')).toBeUndefined();
    expect(parseAddress('a+b')).toBeUndefined();
    expect(parseAddress('é+b')).toBeUndefined();
  });
});
