import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../../core/output/events.js';
import { liveReporter } from '../../../core/output/reporters/live.js';

function terminal() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk;
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: true, columns: 120, rows: 40 });
  // What a reader sees: colour codes and cursor moves stripped.
  return { stream, text: () => stripVTControlCharacters(text) };
}

const stats = { ok: 1, changed: 0, failed: 0, skipped: 0, unreachable: 0, rescued: 0, ignored: 0 };

describe('live view', () => {
  it('stays a summary at 1,000 hosts: counts while running, failures grouped in the recap', async () => {
    const out = terminal();
    const err = terminal();
    const reporter = liveReporter({ stdout: out.stream, stderr: err.stream, verbosity: 0, isTTY: true });
    const hosts = Array.from({ length: 1000 }, (_, i) => `h${i}`);
    const emit = (e: RunEvent) => reporter.onEvent(e);
    emit({ type: 'play.start', play: 'fleet', hosts, taskCount: 1 });
    await new Promise((r) => setTimeout(r, 50));
    for (const host of hosts) {
      const failed = host.endsWith('7');
      emit({ type: 'host.task.start', host, task: 'work' });
      emit({
        type: 'host.task.result',
        result: {
          host,
          task: 'work',
          module: 'shell',
          status: failed ? 'failed' : 'ok',
          msg: failed ? 'boom' : undefined,
          durationMs: 1,
        },
      });
      emit({
        type: 'host.done',
        host,
        status: failed ? 'failed' : 'ok',
        stats,
        msg: failed ? 'work: boom' : undefined,
      });
    }
    emit({ type: 'play.end', play: 'fleet' });
    const rows = hosts.map((host) => ({
      host,
      status: host.endsWith('7') ? ('failed' as const) : ('ok' as const),
      msg: host.endsWith('7') ? 'work: boom' : undefined,
      ...stats,
    }));
    emit({ type: 'run.end', recap: { hosts: rows, durationMs: 1000, notices: [] }, exitCode: 2 });
    await reporter.close?.();
    const text = out.text();
    expect(text).toContain('✖ PLAY [fleet] 1000/1000 done');
    expect(text).toContain('[████████████████████] 100% · 0 running, 100 failed, 0 unreachable');
    // Each failure scrolled by above the block, as ansible-playbook prints it.
    expect(text).toContain('failed: [h7] work: boom');
    expect(text).toContain('failed: [h997] work: boom');
    expect(text).toContain('100 hosts (h7, h17, h27, h37, h47 and 95 more): failed: work: boom');
    expect(text).toContain('(900 hosts ok not listed; --json or --log-dir records each host)');
    expect(text).toContain('1000 hosts in 1.0s: 900 ok, 100 failed, 0 unreachable');
    // No per-host line for the 900 hosts that were fine.
    expect(text).not.toMatch(/^h1 : ok=/m);
    expect(text).not.toContain('[h1]');
  });

  it('draws its first frame before any event, and says when Ctrl-C stops the run', async () => {
    vi.useFakeTimers();
    const out = terminal();
    const reporter = liveReporter({ stdout: out.stream, stderr: out.stream, verbosity: 0, isTTY: true });
    expect(out.text()).toContain('starting: loading inventory and playbook');
    reporter.onEvent({ type: 'run.start', time: '', playbook: 'p', hostCount: 2, forks: 5 });
    reporter.onEvent({ type: 'play.start', play: 'p', hosts: ['a', 'b'], taskCount: 2 });
    reporter.onEvent({ type: 'task.start', play: 'p', task: 'first', module: 'shell' });
    reporter.onEvent({
      type: 'host.task.result',
      result: { host: 'a', task: 'first', module: 'shell', status: 'ok', durationMs: 1 },
    });
    // The block is redrawn on the view's own tick; fake timers make that tick happen now.
    vi.advanceTimersByTime(100);
    expect(out.text()).toContain('PLAY [p] task 1/2 [first] · 1/2 hosts through it');
    reporter.onEvent({ type: 'run.interrupt', stage: 'stop' });
    expect(out.text()).toContain('stopping: no new tasks start');
    expect(out.text()).toContain('interrupted: no new tasks start');
    await reporter.close?.();
    vi.useRealTimers();
  });

  it('counts hosts as their connections open, not only once the play is under way', () => {
    const out = terminal();
    const reporter = liveReporter({ stdout: out.stream, stderr: out.stream, verbosity: 0, isTTY: true });
    const emit = (e: RunEvent) => reporter.onEvent(e);
    const hosts = ['h1', 'h2', 'h3'];
    emit({ type: 'run.start', time: '', playbook: 'p.yml', hostCount: 3, forks: 50 });
    emit({ type: 'play.start', play: 'fleet', hosts, taskCount: 2 });
    emit({ type: 'task.start', play: 'fleet', task: 'Gathering Facts', module: 'setup' });
    for (const host of hosts) {
      emit({ type: 'host.connect', host, connection: 'ssh', address: host, port: 22 });
      emit({ type: 'host.task.start', host, task: 'Gathering Facts' });
    }
    const result = (host: string, status: 'ok' | 'unreachable') =>
      emit({
        type: 'host.task.result',
        result: { host, task: 'Gathering Facts', module: 'setup', status, durationMs: 1, msg: 'refused' },
      });
    result('h1', 'ok');
    // An unreachable host is printed above the block, which redraws it at once.
    result('h2', 'unreachable');
    expect(out.text()).toContain('connecting 1/3 hosts (1 in progress)');
    reporter.close?.();
  });
});
