import type { Command } from 'commander';
import type { JournalFlags, JournalIo, ReconcileFlags } from './actions.js';

/**
 * `runner journal list|show|reconcile`: the commands only. Every `runner`
 * command declares them (for help, completion and parsing); what they do, with
 * the journal store and the AWS clients, loads from journal/actions.ts only
 * when one of them runs.
 */
const actions = () => import('./actions.js');

const defaultIo: JournalIo = { out: (text) => void process.stdout.write(text) };

export function registerJournalCommands(program: Command, io: JournalIo = defaultIo): void {
  const journal = program
    .command('journal')
    .description("the register playbook's run journals: what each run made, and what a crash left open");
  const dirOption = [
    '--dir <path>',
    'journal directory (default $RUNNER_JOURNAL_DIR or ~/.runner/journal)',
  ] as const;

  journal
    .command('list')
    .description('every run journal, with its state and the hosts it left open')
    .option('--stack-id <id>', 'only this stack')
    .option(...dirOption)
    .action(async (opts: JournalFlags) => (await actions()).listJournals(io, opts));

  journal
    .command('show <run>')
    .description('what one run made per host, and what it left open')
    .option('--stack-id <id>', 'the stack (needed when the run ID is ambiguous)')
    .option(...dirOption)
    .action(async (run: string, opts: JournalFlags) => (await actions()).showJournal(io, run, opts));

  journal
    .command('reconcile')
    .description(
      "settle what dead runs left on a stack (IAM and instances; a host's temp dirs wait for its next run)",
    )
    .requiredOption('--stack-id <id>', 'the stack')
    .option('--region <region>', 'region of the OpsWorks API')
    .option('--endpoint-url <url>', 'endpoint of the AWS APIs')
    .option('--profile <name>', 'named AWS profile')
    .option('--force', 'also settle runs that look alive (a run on another machine that is gone)')
    .option(...dirOption)
    .action(async (opts: ReconcileFlags) => (await actions()).reconcileJournals(io, opts));
}
