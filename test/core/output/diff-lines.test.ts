import { describe, expect, it } from 'vitest';
import { colorsFor } from '../../../core/output/colors.js';
import { diffLines } from '../../../core/output/diff-lines.js';

// Expected texts are what ansible-playbook 2.14 prints under --diff for the same change.
const plain = colorsFor(false);

describe('diffLines', () => {
  it('prints a changed file as Ansible does, with its headers and a blank line after', () => {
    const lines = diffLines(
      {
        before: 'old\nline2\nline3\n',
        after: 'hello world\nline2\nline3\n',
        beforeHeader: '/tmp/out.txt',
        afterHeader: 't.j2',
      },
      plain,
    );
    expect(lines).toEqual([
      '--- before: /tmp/out.txt',
      '+++ after: t.j2',
      '@@ -1,3 +1,3 @@',
      '-old',
      '+hello world',
      ' line2',
      ' line3',
      '',
    ]);
  });

  it('prints a new file as an insertion into nothing', () => {
    expect(diffLines({ before: '', after: 'new content\n' }, plain)).toEqual([
      '--- before',
      '+++ after',
      '@@ -0,0 +1 @@',
      '+new content',
      '',
    ]);
  });

  it('marks a missing final newline as Ansible does, counting it with its line', () => {
    expect(diffLines({ before: 'x', after: 'y\n' }, plain)).toEqual([
      '--- before',
      '+++ after',
      '@@ -1 +1 @@',
      '-x',
      '\\ No newline at end of file',
      '+y',
      '',
    ]);
  });

  it('prints nothing when nothing differs, and a prepared line as it is', () => {
    expect(diffLines({ before: 'a\n', after: 'a\n' }, plain)).toEqual([]);
    expect(
      diffLines({ before: '', after: '', prepared: 'diff skipped: source file appears to be binary' }, plain),
    ).toEqual(['diff skipped: source file appears to be binary']);
  });

  it('colours removals red and additions green when colour is on', () => {
    const lines = diffLines({ before: 'a\n', after: 'b\n' }, colorsFor(true));
    expect(lines).toContain('\u001b[31m-a\u001b[39m');
    expect(lines).toContain('\u001b[32m+b\u001b[39m');
  });
});
