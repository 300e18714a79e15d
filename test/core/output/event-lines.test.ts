import { describe, expect, it } from 'vitest';
import { colorEnabled, colorsFor } from '../../../core/output/colors.js';
import { eventLines } from '../../../core/output/event-lines.js';
import type { TaskResult } from '../../../core/output/events.js';

const plain = colorsFor(false);
const result = (r: Partial<TaskResult>): TaskResult => ({
  host: 'h1',
  task: 't',
  module: 'command',
  status: 'ok',
  durationMs: 1,
  ...r,
});

describe('lines as ansible-playbook prints them', () => {
  it('shows a debug message at default verbosity, as Ansible does', () => {
    const lines = eventLines(
      { type: 'host.task.result', result: result({ module: 'debug', data: { msg: 'hi' } }) },
      0,
      plain,
    );
    expect(lines).toEqual(['ok: [h1] => {', '    "msg": "hi"', '}']);
  });

  it('shows a failed command with rc, msg and the last 10 lines of stderr', () => {
    const stderr = Array.from({ length: 12 }, (_, i) => `e${i + 1}`).join('\n');
    const lines = eventLines(
      {
        type: 'host.task.result',
        result: result({ status: 'failed', rc: 2, msg: 'non-zero return code', stderr }),
      },
      0,
      plain,
    );
    expect(lines[0]).toBe('failed: [h1] t rc=2: non-zero return code');
    expect(lines[1]).toBe('  stderr: (last 10 of 12 lines)');
    expect(lines.slice(2)).toEqual(Array.from({ length: 10 }, (_, i) => `    e${i + 3}`));
  });

  it('hides ok results at default, shows them with -v; task paths with -vv; connections with -vvv', () => {
    const ok = { type: 'host.task.result' as const, result: result({ stdout: 'out' }) };
    expect(eventLines(ok, 0, plain)).toEqual([]);
    expect(eventLines(ok, 1, plain)).toEqual(['ok: [h1] t', '  stdout:', '    out']);
    const task = { type: 'task.start' as const, play: 'p', task: 't', module: 'shell', path: '/p.yml:4' };
    expect(eventLines(task, 1, plain)).toEqual(['TASK [t]']);
    expect(eventLines(task, 2, plain)).toEqual(['TASK [t]', 'task path: /p.yml:4']);
    const connect = {
      type: 'host.connect' as const,
      host: 'h1',
      connection: 'ssh',
      address: '10.0.0.1',
      port: 22,
      user: 'root',
    };
    expect(eventLines(connect, 2, plain)).toEqual([]);
    expect(eventLines(connect, 3, plain)).toEqual([
      '<10.0.0.1> ESTABLISH SSH CONNECTION FOR USER: root (h1 at 10.0.0.1:22)',
    ]);
  });

  it('colours by status only where colour is wanted: NO_COLOR, FORCE_COLOR, a terminal', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    const red = eventLines(
      { type: 'host.task.result', result: result({ status: 'failed', msg: 'x' }) },
      0,
      colorsFor(true),
    );
    expect(red[0]).toBe('\u001b[31mfailed: [h1] t: x\u001b[39m');
  });
});
