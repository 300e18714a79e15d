import { describe, expect, it } from 'vitest';
import {
  baseUserName,
  clean,
  groupName,
  iamTimestamp,
  inlinePolicyDocument,
  shorten,
  USER_NAME_ATTEMPTS,
  userNameAttempt,
} from '../../../../plugins/opsworks/credentials/iam-names.js';

describe('clean (IAM-safe names)', () => {
  it.each([
    ['foo', 'foo'],
    ['foo bar', 'foo-bar'],
    ['baz&@%#^*$bar', 'baz-@-bar'],
    ['a+b=c,d.e@f_g-h', 'a+b=c,d.e@f_g-h'],
    ['web 01/dc1', 'web-01-dc1'],
    ['ünïcode', '-n-code'],
    ['  ', '-'],
  ])('%s -> %s', (input, expected) => {
    expect(clean(input)).toBe(expected);
  });
});

describe('shorten (q, r = divmod(max - 3, 2))', () => {
  it.each([
    ['foo', 3, 'foo'],
    ['foobar', 6, 'foobar'],
    ['foobar', 5, 'f...r'],
    ['foobarbaz', 8, 'foo...az'],
    ['abcdefghijklmnopqrstuvwxyz0123', 25, 'abcdefghijk...tuvwxyz0123'],
  ])('shorten(%s, %i) = %s', (input, max, expected) => {
    expect(shorten(input, max)).toBe(expected);
    expect(shorten(input, max).length).toBeLessThanOrEqual(max);
  });
  it('keeps a 25-character name and cuts a 26-character one to 25', () => {
    expect(shorten('x'.repeat(25), 25)).toBe('x'.repeat(25));
    expect(shorten('a'.repeat(13) + 'b'.repeat(13), 25)).toBe(`${'a'.repeat(11)}...${'b'.repeat(11)}`);
  });
});

describe('group and user names', () => {
  it('group is OpsWorks-<clean(stackId)>', () => {
    expect(groupName('2f18b4cb-4de5-4429-a149-ff7da9f0d8ee')).toBe(
      'OpsWorks-2f18b4cb-4de5-4429-a149-ff7da9f0d8ee',
    );
  });
  it('user is OpsWorks-<shorten(clean(stack),25)>-<shorten(clean(name),25)>', () => {
    expect(baseUserName('MyStack', 'web01')).toBe('OpsWorks-MyStack-web01');
    expect(baseUserName('My Stack!', '10.0.0.1')).toBe('OpsWorks-My-Stack--10.0.0.1');
    expect(
      baseUserName('a very long stack name that goes on', 'host.with.a.very.long.domain.example.com'),
    ).toBe('OpsWorks-a-very-long...hat-goes-on-host.with.a...example.com');
  });
  it('clashes append +1 .. +19: 20 names in all', () => {
    const base = baseUserName('s', 'h');
    expect(userNameAttempt(base, 0)).toBe('OpsWorks-s-h');
    expect(userNameAttempt(base, 1)).toBe('OpsWorks-s-h+1');
    expect(userNameAttempt(base, 2)).toBe('OpsWorks-s-h+2');
    expect(USER_NAME_ATTEMPTS).toBe(20);
    expect(userNameAttempt(base, USER_NAME_ATTEMPTS - 1)).toBe('OpsWorks-s-h+19');
  });
});

describe('inline policy OpsWorks-Instance', () => {
  it('allows RegisterInstance on the stack until 15 minutes ahead, in %Y-%m-%dT%H:%M:%SZ', () => {
    const now = new Date('2024-03-01T12:34:56.789Z');
    const doc = JSON.parse(inlinePolicyDocument('arn:aws:opsworks:us-east-1:123456789012:stack/abc/', now));
    expect(doc).toEqual({
      Statement: [
        {
          Action: 'opsworks:RegisterInstance',
          Effect: 'Allow',
          Resource: 'arn:aws:opsworks:us-east-1:123456789012:stack/abc/',
          Condition: { DateLessThan: { 'aws:CurrentTime': '2024-03-01T12:49:56Z' } },
        },
      ],
      Version: '2012-10-17',
    });
  });
  it('formats timestamps without milliseconds', () => {
    expect(iamTimestamp(new Date('2030-12-31T23:59:59.999Z'))).toBe('2030-12-31T23:59:59Z');
  });
});
