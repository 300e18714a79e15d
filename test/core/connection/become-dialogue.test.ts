import { describe, expect, it } from 'vitest';
import { becomeCommand } from '../../../core/connection/become.js';
import { BecomeDialogue } from '../../../core/connection/become-dialogue.js';
import type { BecomeSpec } from '../../../core/connection/types.js';
import { Secret } from '../../../core/secret.js';

const out = (text: string) => Buffer.from(text);

function dialogue(spec: BecomeSpec) {
  return new BecomeDialogue(becomeCommand('id -u', spec, 'k1'), spec);
}

describe('become dialogue', () => {
  it('answers the first prompt with the password, then hands on what follows the success marker', () => {
    const d = dialogue({ method: 'sudo', password: new Secret('pw') });
    expect(d.push(out('[sudo via runner, key=k1] password:'), 'stderr').reply?.reveal()).toBe('pw');
    const step = d.push(out('BECOME-SUCCESS-k1\n0\n'), 'stdout');
    expect(step).toEqual({ escalated: true, output: out('0\n') });
    expect(d.push(out('more'), 'stdout')).toEqual({ output: out('more') });
  });

  it('finds a prompt and a marker split across chunks', () => {
    const d = dialogue({ method: 'sudo', password: new Secret('pw') });
    expect(d.push(out('[sudo via runner, '), 'stderr')).toEqual({});
    expect(d.push(out('key=k1] password:'), 'stderr').reply).toBeDefined();
    expect(d.push(out('BECOME-SUC'), 'stdout')).toEqual({});
    expect(d.push(out('CESS-k1\n'), 'stdout')).toEqual({ escalated: true });
  });

  it('fails on a second prompt (a refused password) instead of waiting for ever', () => {
    const d = dialogue({ method: 'sudo', password: new Secret('pw') });
    d.push(out('[sudo via runner, key=k1] password:'), 'stderr');
    expect(d.push(out('Sorry, try again.\n[sudo via runner, key=k1] password:'), 'stderr')).toEqual({
      failure: 'incorrect sudo password',
    });
  });

  it('does not take the marker from stderr', () => {
    const d = dialogue({ method: 'sudo' });
    expect(d.push(out('BECOME-SUCCESS-k1\n'), 'stderr')).toEqual({});
    expect(d.escalated).toBe(false);
  });

  it('explains a failure without the password, however short it is', () => {
    const d = dialogue({ method: 'su', password: new Secret('ab') });
    d.push(out('su: ab: Authentication failure\n'), 'stderr');
    expect(d.failure()).toBe('incorrect su password');
    const e = dialogue({ method: 'sudo', password: new Secret('q') });
    e.push(out('sudo: odd q here\n'), 'stderr');
    expect(e.failure()).toBe('sudo failed: sudo: odd  here');
  });

  it('reports sudo -n wanting a password', () => {
    const d = dialogue({ method: 'sudo' });
    d.push(out('sudo: a password is required\n'), 'stderr');
    expect(d.failure()).toBe('sudo requires a password and none was given');
  });
});
