/**
 * Sign-in is rate-limited per client address (SPEC §9): at most `max` failed sign-ins in a fixed window;
 * beyond that the form answers 429 without looking the token up. Memory is bounded: when the table is
 * full, windows that have ended are dropped, and if none has, the whole table (a flood of addresses then
 * costs only a fresh start for everyone, never unbounded memory).
 */
const MAX_ADDRESSES = 10_000;

export class SignInLimit {
  private readonly failures = new Map<string, { count: number; windowEnds: number }>();

  private readonly max: number;
  private readonly windowMs: number;

  constructor(max: number, windowMs: number) {
    this.max = max;
    this.windowMs = windowMs;
  }

  /** Seconds the address must wait, or 0 when it may try. */
  waitSeconds(address: string, now: number): number {
    const entry = this.failures.get(address);
    if (entry === undefined || entry.windowEnds <= now || entry.count < this.max) return 0;
    return Math.ceil((entry.windowEnds - now) / 1000);
  }

  recordFailure(address: string, now: number): void {
    const entry = this.failures.get(address);
    if (entry !== undefined && entry.windowEnds > now) {
      entry.count += 1;
      return;
    }
    if (this.failures.size >= MAX_ADDRESSES) {
      for (const [key, e] of this.failures) if (e.windowEnds <= now) this.failures.delete(key);
      if (this.failures.size >= MAX_ADDRESSES) this.failures.clear();
    }
    this.failures.set(address, { count: 1, windowEnds: now + this.windowMs });
  }
}
