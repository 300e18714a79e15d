/**
 * Typed per-play state for plugins: what a plugin shares across the hosts of
 * one play (SDK clients, caches, a batched poller, a ledger) lives in a value
 * the engine owns for exactly that play, not in play vars and not in a module
 * global. A plugin declares a key once with `definePlayState`; hooks, checks
 * and modules read it with `ctx.state.get(key)`, which creates the value on
 * first use. When the play ends (after `afterPlay`), every value that was
 * created is disposed once, newest first.
 *
 * Keys compare by identity, not by name: two plugins cannot collide, and a
 * value is never reachable from templates, `debug: var=...` or NDJSON.
 */
export interface PlayStateKey<T> {
  /** For messages only. */
  readonly name: string;
  /** Makes the play's value; it may read other values of the same play. */
  create(state: PlayState): T;
  /** Releases what the value holds (clients, timers, open files) when the play ends. */
  dispose?(value: T): Promise<void> | void;
}

export function definePlayState<T>(
  name: string,
  create: (state: PlayState) => T,
  dispose?: (value: T) => Promise<void> | void,
): PlayStateKey<T> {
  return dispose ? { name, create, dispose } : { name, create };
}

/** What hooks, checks and modules see as `ctx.state`. */
export interface PlayState {
  get<T>(key: PlayStateKey<T>): T;
}

/**
 * One play's values. The executor makes one per play (the testing entry's
 * runModule one per call) and disposes it when the play ends.
 */
export class PlayStore implements PlayState {
  readonly #values = new Map<PlayStateKey<unknown>, unknown>();
  #disposed = false;

  /** `seed`: values the engine owns and hands in (the run's scope), never disposed here. */
  constructor(seed: Iterable<[PlayStateKey<unknown>, unknown]> = []) {
    for (const [key, value] of seed) this.#values.set(key, value);
  }

  get<T>(key: PlayStateKey<T>): T {
    if (this.#disposed) throw new Error(`play state "${key.name}" read after its play ended`);
    if (this.#values.has(key as PlayStateKey<unknown>))
      return this.#values.get(key as PlayStateKey<unknown>) as T;
    const value = key.create(this);
    this.#values.set(key as PlayStateKey<unknown>, value);
    return value;
  }

  /**
   * Disposes every value created, newest first, each once; a second call does
   * nothing. A dispose that throws does not stop the others; the first error
   * is thrown after all ran.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    let first: unknown;
    for (const [key, value] of [...this.#values.entries()].reverse()) {
      // Seeded values belong to the run: their keys have no dispose.
      try {
        await key.dispose?.(value);
      } catch (error) {
        first ??= error;
      }
    }
    this.#values.clear();
    if (first !== undefined) throw first;
  }
}
