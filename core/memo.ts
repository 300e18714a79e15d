/**
 * Promises kept by key: the first caller's `make()` runs, later callers get
 * its promise. A rejected promise is dropped, so the next caller tries again
 * (a transient failure is not remembered for the rest of the run).
 */
export class Memo<V> {
  readonly #values = new Map<string, Promise<V>>();

  get(key: string, make: () => Promise<V>): Promise<V> {
    let value = this.#values.get(key);
    if (!value) {
      value = make();
      this.#values.set(key, value);
      value.catch(() => {
        if (this.#values.get(key) === value) this.#values.delete(key);
      });
    }
    return value;
  }

  clear(): void {
    this.#values.clear();
  }
}
