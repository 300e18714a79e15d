import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimHost, releaseHost } from '../../../plugins/ssm/claim.js';
import { readSsmOptions, type SsmOptions } from '../../../plugins/ssm/options.js';
import { SsmPlay } from '../../../plugins/ssm/play.js';

/**
 * Host locks of `register --service ssm`: two runs on the same region and
 * journal never own one host at once; the second waits, and gives up with
 * the owner's name when it waited too long.
 */
const plays: SsmPlay[] = [];
afterEach(() => {
  for (const p of plays.splice(0)) p.destroy();
});

function setup(journal: string) {
  const parsed = readSsmOptions(
    { register_service: 'ssm', ssm_iam_role: 'SSMServiceRole', ssm_region: 'eu-west-1' },
    'web1',
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  // No waiting: the second run's claim answers at its first poll.
  const o: SsmOptions = { ...parsed.options, waitTimeoutMs: 0 };
  const play = new SsmPlay(() => ({ services: new Map(), targets: new Map() }), { journal });
  plays.push(play);
  return { play, record: play.host('web1', o), o };
}

const ctx = () => ({ host: 'web1', signal: new AbortController().signal });

describe('ssm host locks', () => {
  it('a second run cannot claim a host the first holds, and can once it is released', async () => {
    const journal = mkdtempSync(join(tmpdir(), 'ssm-claim-'));
    const first = setup(journal);
    const second = setup(journal);

    expect(await claimHost(ctx(), first.play, first.record, first.o)).toEqual({ ok: true });
    expect(first.record.locked).toBe(true);
    expect(readdirSync(join(journal, 'ssm-eu-west-1', 'locks'))).toEqual(['web1.lock']);

    const refused = await claimHost(ctx(), second.play, second.record, second.o);
    expect(refused).toEqual({
      ok: false,
      reason: expect.stringMatching(
        new RegExp(
          `^another run owns this host in SSM eu-west-1: run ${first.play.run} \\(pid ${process.pid} on `,
        ),
      ),
    });
    expect(second.record.locked).toBeFalsy();

    await releaseHost(first.play, first.record, 'web1');
    expect(first.record.locked).toBe(false);
    expect(existsSync(join(journal, 'ssm-eu-west-1', 'locks', 'web1.lock'))).toBe(false);
    expect(await claimHost(ctx(), second.play, second.record, second.o)).toEqual({ ok: true });
    expect(second.record.locked).toBe(true);
  });

  it('the journal location comes from the run (--journal) over ssm_journal_dir', async () => {
    const journal = mkdtempSync(join(tmpdir(), 'ssm-claim-'));
    const { play, record, o } = setup(journal);
    const own = mkdtempSync(join(tmpdir(), 'ssm-claim-own-'));
    expect(await claimHost(ctx(), play, record, { ...o, journalDir: own })).toEqual({ ok: true });
    expect(existsSync(join(journal, 'ssm-eu-west-1', 'locks', 'web1.lock'))).toBe(true);
    expect(existsSync(join(own, 'ssm-eu-west-1'))).toBe(false);
  });
});
