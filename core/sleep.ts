/**
 * Waits `ms`, or less if the signal aborts: a waiting loop (a host lock held
 * by another run) wakes at once on Ctrl-C and checks its signal itself,
 * rather than catching the AbortError `timers/promises` would throw.
 */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
