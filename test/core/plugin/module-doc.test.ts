import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatModuleDoc, moduleDoc } from '../../../core/plugin/module-doc.js';
import { invalidPluginName, moduleStem, scaffoldFiles } from '../../../core/plugin/scaffold.js';

describe('runner doc', () => {
  const module = {
    description: 'Makes a file hold a line.',
    freeForm: 'line',
    args: z.object({
      path: z.string().describe('the file'),
      line: z.string(),
      state: z.enum(['present', 'absent']).default('present'),
      mode: z.union([z.number(), z.string()]).optional(),
    }),
    async run() {
      return { changed: false };
    },
  };

  it("reads a module's arguments from its schema", () => {
    const doc = moduleDoc('ensure_line', 'example', module);
    expect(doc.args).toEqual([
      { name: 'path', type: 'string', required: true, description: 'the file' },
      { name: 'line', type: 'string', required: true },
      { name: 'state', type: '"present" | "absent"', required: false, default: 'present' },
      { name: 'mode', type: 'number | string', required: false },
    ]);
  });

  it('prints them like ansible-doc', () => {
    expect(formatModuleDoc(moduleDoc('ensure_line', 'example', module))).toBe(
      [
        'ensure_line (plugin example)',
        '',
        'Makes a file hold a line.',
        '',
        'ARGUMENTS',
        '  path: string, required',
        '      the file',
        '  line (free form): string, required',
        '  state: "present" | "absent", default "present"',
        '  mode: number | string',
        '',
        'Check mode: not supported (skipped under --check)',
        '',
      ].join('\n'),
    );
  });
});

describe('runner plugins new', () => {
  const runner = { name: 'fleet-runner', version: '1.2.3', devDependencies: { typescript: '~5.9.3' } };

  it('names the module after the package, without scope or runner-plugin- prefix', () => {
    expect(moduleStem('@acme/runner-plugin-motd-lines')).toBe('motd_lines');
    expect(scaffoldFiles({ name: 'demo', runner })['index.ts']).toContain('modules: { demo_file: file }');
  });

  it('makes runner a peer dependency at the running version', () => {
    const pkg = JSON.parse(scaffoldFiles({ name: 'demo', runner })['package.json']!);
    expect(pkg.peerDependencies).toEqual({ 'fleet-runner': '^1.2.3' });
    expect(pkg.devDependencies).toMatchObject({ 'fleet-runner': '^1.2.3', typescript: '~5.9.3' });
  });

  it('refuses a name npm would refuse', () => {
    expect(invalidPluginName('Demo')).toMatch(/lowercase/);
    expect(invalidPluginName('@me/demo')).toBeUndefined();
  });
});
