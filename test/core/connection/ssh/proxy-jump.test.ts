import { describe, expect, it } from 'vitest';
import { jumpFromSshArgs, parseJumpHops, splitArgs } from '../../../../core/connection/ssh/proxy-jump.js';

describe('ProxyJump parsing', () => {
  it('finds -J, -o ProxyJump= and simple ProxyCommand forms', () => {
    expect(jumpFromSshArgs('-J admin@bastion:2222')).toBe('admin@bastion:2222');
    expect(jumpFromSshArgs('-Jbastion')).toBe('bastion');
    expect(jumpFromSshArgs('-o StrictHostKeyChecking=no -o ProxyJump=ops@b1,b2')).toBe('ops@b1,b2');
    expect(jumpFromSshArgs("-o 'ProxyJump bastion'")).toBe('bastion');
    expect(jumpFromSshArgs('-oProxyJump=none')).toBeUndefined();
    expect(jumpFromSshArgs('-o ProxyCommand="ssh -W %h:%p -q -p 2200 ops@bastion"')).toBe('ops@bastion:2200');
    expect(jumpFromSshArgs("-o ProxyCommand='ssh -l ops -W %h:%p bastion'")).toBe('ops@bastion');
    expect(jumpFromSshArgs('-C -o ControlMaster=auto')).toBeUndefined();
    expect(jumpFromSshArgs(undefined)).toBeUndefined();
  });

  it('refuses a ProxyCommand it cannot honour rather than connecting directly', () => {
    expect(() => jumpFromSshArgs('-o ProxyCommand="nc -x proxy:1080 %h %p"')).toThrow(
      /unsupported ProxyCommand/,
    );
  });

  it('parses hops: user, host, port, IPv6, ssh:// URIs', () => {
    expect(parseJumpHops('a@b:2222, c ,[::1]:23,ssh://u@h')).toEqual([
      { user: 'a', host: 'b', port: 2222 },
      { host: 'c', port: 22 },
      { host: '::1', port: 23 },
      { user: 'u', host: 'h', port: 22 },
    ]);
    expect(() => parseJumpHops('b:99999')).toThrow(/invalid jump host/);
  });

  it('splits arguments like a shell', () => {
    expect(splitArgs(`a 'b c' "d \\"e\\"" f\\ g`)).toEqual(['a', 'b c', 'd "e"', 'f g']);
  });
});
