import picocolors from 'picocolors';

export type Colors = ReturnType<typeof picocolors.createColors>;

/**
 * Whether a stream gets colour, by the conventions users set: NO_COLOR (any
 * non-empty value) turns it off, FORCE_COLOR (anything but 0/false) turns it
 * on even in a pipe, else only a terminal gets it (not TERM=dumb).
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** picocolors bound to a decision, so one run paints one way on every line. */
export function colorsFor(enabled: boolean): Colors {
  return picocolors.createColors(enabled);
}
