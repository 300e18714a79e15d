import { freeStrategy } from './free.js';
import { linearStrategy } from './linear.js';
import type { Strategy } from './types.js';

/** The strategies a play may name (`strategy:`); linear when it names none. */
export const STRATEGIES: ReadonlyMap<string, Strategy> = new Map(
  [linearStrategy, freeStrategy].map((s) => [s.name, s]),
);

export function strategyFor(name: string | undefined): Strategy {
  return STRATEGIES.get(name ?? 'linear') ?? linearStrategy;
}

export type { PhaseTasks, Strategy, StrategyContext } from './types.js';
