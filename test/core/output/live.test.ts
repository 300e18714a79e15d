import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
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
  return { stream, text: () => text };
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
    expect(text).toContain('✖ PLAY [fleet] 1000/1000 done, 0 running, 100 failed, 0 unreachable');
    expect(text).toContain('… 92 earlier failures (see the recap)');
    expect(text).toContain('100 hosts (h7, h17, h27, h37, h47 and 95 more): failed: work: boom');
    expect(text).toContain('(900 hosts ok not listed; --json or --log-dir records each host)');
    expect(text).toContain('1000 hosts in 1.0s: 900 ok, 100 failed, 0 unreachable');
    // No per-host line for the 900 hosts that were fine.
    expect(text).not.toMatch(/^h1 : ok=/m);
  });
});
