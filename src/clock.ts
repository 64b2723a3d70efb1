/**
 * The one clock (review s7). Everything that decides whether work is due, how long a lease lasts or when
 * something expires reads the time from a `Clock` it was given, and passes that time into SQL as a
 * parameter instead of calling `now()` there, so a test clock really drives what the database decides.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock tests move by hand. It starts at real time and, unless frozen, keeps running with it, so rows
 * written with the database's `now()` (an enqueue inside a status change) are never in its future;
 * `advance` jumps ahead, which is how a test makes a backoff or a lease run out without sleeping.
 */
export interface TestClock extends Clock {
  advance(ms: number): void;
  /** Stops the clock at its current time (it moves only with `advance` from then on). */
  freeze(): void;
}

export function createTestClock(options: { frozen?: boolean } = {}): TestClock {
  let offsetMs = 0;
  let frozenAt: number | null = options.frozen ? Date.now() : null;
  return {
    now: () => new Date((frozenAt ?? Date.now()) + offsetMs),
    advance(ms) {
      offsetMs += ms;
    },
    freeze() {
      frozenAt ??= Date.now();
    },
  };
}
