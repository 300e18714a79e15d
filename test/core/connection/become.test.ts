import { describe, expect, it } from 'vitest';
import { becomeCommand, becomeFailureReason } from '../../../core/connection/become.js';
import { Secret } from '../../../core/secret.js';

describe('become transform', () => {
  it('wraps a command for sudo with a password: random prompt marker, success marker, no password', () => {
    const b = becomeCommand(
      "echo 'hi' && id",
      { method: 'sudo', password: new Secret('s3cret pw') },
      'abc123',
    );
    expect(b.command).toBe(
      `sudo -H -S -p '[sudo via runner, key=abc123] password:' -u root -- /bin/sh -c 'echo BECOME-SUCCESS-abc123; echo '\\''hi'\\'' && id'`,
    );
    expect(b.command).not.toContain('s3cret');
    expect(b.success).toBe('BECOME-SUCCESS-abc123');
    expect(b.prompt?.test('[sudo via runner, key=abc123] password:')).toBe(true);
    expect(b.pty).toBe(false);
  });

  it('uses sudo -n without a password so a host that wants one fails instead of hanging', () => {
    const b = becomeCommand('true', { method: 'sudo', user: 'app user', flags: '-E' }, 'x');
    expect(b.command).toBe(`sudo -E -H -S -n -u 'app user' -- /bin/sh -c 'echo BECOME-SUCCESS-x; true'`);
    expect(b.prompt).toBeUndefined();
  });

  it('wraps for su with a pty and recognises its password prompt', () => {
    const b = becomeCommand('id', { method: 'su', user: 'postgres', password: new Secret('pw12') }, 'y');
    expect(b.command).toBe(`su postgres -c '/bin/sh -c '\\''echo BECOME-SUCCESS-y; id'\\'''`);
    expect(b.pty).toBe(true);
    expect(b.prompt?.test('Password: ')).toBe(true);
    expect(b.prompt?.test('Passwort: ')).toBe(true);
  });

  it('uses a fresh random id per command', () => {
    const a = becomeCommand('true', { method: 'sudo' });
    const b = becomeCommand('true', { method: 'sudo' });
    expect(a.success).not.toBe(b.success);
  });

  it('explains failures from what sudo printed', () => {
    expect(becomeFailureReason('sudo', 'sudo: a password is required\n')).toBe(
      'sudo requires a password and none was given',
    );
    expect(becomeFailureReason('sudo', 'Sorry, try again.\nsudo: 3 incorrect password attempts')).toBe(
      'incorrect sudo password',
    );
    expect(becomeFailureReason('sudo', 'bob is not in the sudoers file.')).toBe('user may not run sudo here');
  });
});
