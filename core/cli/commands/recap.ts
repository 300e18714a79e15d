import type { Command } from 'commander';
import { RunnerError } from '../../errors.js';
import { EXIT, exitCodeFor } from '../../play/exit-code.js';
import type { CliIO } from '../shared.js';

interface RecapFlags {
  journal?: string;
  runId?: string;
  json?: boolean;
}

/**
 * `runner recap --journal s3://bucket/prefix/ [--run-id id] [--json]`: one
 * PLAY RECAP for a run whose shards ran apart, from their journals, and which
 * shards are missing, still running or stopped.
 */
export function registerRecapCommand(program: Command, io: CliIO): void {
  program
    .command('recap')
    .description("one recap for a sharded run, merged from its shards' journals")
    .option(
      '--journal <location>',
      'the journal the shards wrote: a directory or s3://bucket/prefix/ (default: the local journal)',
    )
    .option('--run-id <id>', 'the run to show (default: the run most recently started)')
    .option('--json', 'print the merged recap as one JSON object')
    .action(async (flags: RecapFlags) => {
      const [{ journalBackend }, { mergeRecap }, { defaultJournalDir }, { recapLines }] = await Promise.all([
        import('../../journal/backend.js'),
        import('../../journal/recap.js'),
        import('../../journal/store.js'),
        import('../../output/format.js'),
      ]);
      const location = flags.journal ?? defaultJournalDir();
      const backend = journalBackend(location);
      try {
        const merged = await mergeRecap(backend.store, flags.runId);
        if (!merged) {
          throw new RunnerError(
            'USAGE',
            `${location}: no run${flags.runId ? ` "${flags.runId}"` : ''} recorded there (a run journals outcomes when it is sharded or given --journal or --run-id)`,
          );
        }
        const hostsCode = exitCodeFor(merged.recap, false);
        // Hosts fine but the run not whole (a shard missing, running or stopped): not a success.
        io.setExitCode(hostsCode === EXIT.OK && !merged.complete ? EXIT.ERROR : hostsCode);
        if (flags.json) {
          io.stdout.write(`${JSON.stringify(merged)}\n`);
          return;
        }
        const lines = [`run ${merged.run}: ${merged.count > 1 ? `${merged.count} shards` : 'not sharded'}`];
        for (const s of merged.shards) {
          const latest = s.attempts.at(-1)!;
          const where = `pid ${latest.pid} on ${latest.machine}`;
          const tries = s.attempts.length > 1 ? `, attempt ${s.attempts.length}` : '';
          lines.push(
            s.state === 'done'
              ? `  shard ${s.shard}: done, ${s.ended} hosts${tries}`
              : s.state === 'running'
                ? `  shard ${s.shard}: still running (${where}), ${s.ended} of ${s.hosts} hosts ended${tries}`
                : `  shard ${s.shard}: stopped before it finished (${where}), ${s.ended} of ${s.hosts} hosts ended${tries}: re-run this shard`,
          );
        }
        for (const m of merged.missing)
          lines.push(`  shard ${m}: missing (no record: not started, or journaled elsewhere)`);
        io.stdout.write(`${[...lines, ...recapLines(merged.recap)].join('\n')}\n`);
      } finally {
        backend.close();
      }
    });
}
