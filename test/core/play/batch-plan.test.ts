import { describe, expect, it } from 'vitest';
import { planBatches } from '../../../core/play/batch-plan.js';
import type { TaskDefinition } from '../../../core/play/model.js';

const BATCHABLE = new Set(['shell', 'command', 'raw']);
const options = { check: false, batchable: (m: string) => BATCHABLE.has(m) };

const task = (name: string, extra: Partial<TaskDefinition> = {}): TaskDefinition => ({
  name,
  module: 'shell',
  rawArgs: `echo ${name}`,
  args: {},
  ...extra,
});

/** The groups as lists of task names. */
const plan = (tasks: TaskDefinition[], play = {}, opts = options) =>
  [...planBatches(tasks, play, opts).values()].map((g) => g.map((t) => t.name));

describe('planBatches', () => {
  it('groups consecutive shell, command and raw tasks', () => {
    expect(
      plan([task('a'), task('b', { module: 'command' }), task('c', { module: 'raw', register: 'c' })]),
    ).toEqual([['a', 'b', 'c']]);
  });

  it('keys each group by its first task', () => {
    const tasks = [task('a'), task('b')];
    expect([...planBatches(tasks, {}, options).keys()]).toEqual([tasks[0]]);
  });

  it('never puts a module that is not batchable in a group: it splits the run', () => {
    expect(plan([task('a'), task('b'), task('d', { module: 'debug' }), task('e'), task('f')])).toEqual([
      ['a', 'b'],
      ['e', 'f'],
    ]);
    expect(plan([task('a'), task('s', { module: 'set_fact' }), task('b')])).toEqual([]);
  });

  it('lets register only on the last task of a group', () => {
    expect(plan([task('a', { register: 'r' }), task('b'), task('c')])).toEqual([['b', 'c']]);
    expect(plan([task('a'), task('b', { register: 'r' }), task('c'), task('d')])).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('lets failed_when only on the last task of a group', () => {
    expect(plan([task('a', { failedWhen: 'false' }), task('b'), task('c')])).toEqual([['b', 'c']]);
    expect(plan([task('a'), task('b', { failedWhen: 'false' })])).toEqual([['a', 'b']]);
  });

  it('keeps changed_when, when, ignore_errors and no_log tasks in a group', () => {
    expect(
      plan([
        task('a', { changedWhen: false }),
        task('b', { when: 'x is defined' }),
        task('c', { ignoreErrors: true, noLog: true }),
      ]),
    ).toEqual([['a', 'b', 'c']]);
  });

  it('leaves out loops, until and retries', () => {
    expect(plan([task('a'), task('l', { loop: [1, 2] }), task('b')])).toEqual([]);
    expect(plan([task('a'), task('u', { until: 'r.rc == 0', register: 'r' }), task('b')])).toEqual([]);
    expect(plan([task('a'), task('r', { retries: 2 }), task('b')])).toEqual([]);
  });

  it('leaves out creates/removes, in args, a mapping or free-form', () => {
    expect(plan([task('a'), task('c', { args: { creates: '/x' } }), task('b')])).toEqual([]);
    expect(plan([task('a'), task('c', { rawArgs: { cmd: 'x', removes: '/x' } }), task('b')])).toEqual([]);
    expect(plan([task('a'), task('c', { rawArgs: 'touch /x creates=/x' }), task('b')])).toEqual([]);
    expect(plan([task('a'), task('c', { rawArgs: 'echo recreates' }), task('b')])).toEqual([['a', 'c', 'b']]);
  });

  it('splits where the become settings change', () => {
    expect(
      plan([
        task('a'),
        task('b'),
        task('c', { become: true }),
        task('d', { become: true }),
        task('e', { become: true, becomeUser: 'app' }),
      ]),
    ).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('batches nothing under --check', () => {
    expect(plan([task('a'), task('b')], {}, { ...options, check: true })).toEqual([]);
  });

  it('batches nothing in a play with any_errors_fatal or max_fail_percentage', () => {
    expect(plan([task('a'), task('b')], { anyErrorsFatal: true })).toEqual([]);
    expect(plan([task('a'), task('b')], { maxFailPercentage: 50 })).toEqual([]);
    expect(plan([task('a'), task('b')], { maxFailPercentage: 0 })).toEqual([]);
    expect(plan([task('a'), task('b')], { anyErrorsFatal: false })).toEqual([['a', 'b']]);
  });

  it('makes no group of one task', () => {
    expect(plan([task('a')])).toEqual([]);
    expect(plan([])).toEqual([]);
  });
});
