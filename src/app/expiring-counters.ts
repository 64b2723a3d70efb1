/**
 * Small in-memory structures with a bounded size for the authentication gates (the API's tokens, the
 * dashboard's sign-in). When full, expired entries are dropped first and, if that is not enough,
 * everything: forgetting costs at most some extra lookups,
 * while an unbounded map would let a flood of junk keys exhaust memory.
 */

/** Keys remembered for `ttlMs` after they were added. */
export class ExpiringSet {
  private readonly entries = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  constructor(ttlMs: number, maxEntries: number) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  has(key: string, now: number): boolean {
    const expiresAt = this.entries.get(key);
    if (expiresAt === undefined) return false;
    if (expiresAt > now) return true;
    this.entries.delete(key);
    return false;
  }

  add(key: string, now: number): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) makeRoom(this.entries, this.maxEntries, now, (e) => e);
    this.entries.set(key, now + this.ttlMs);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

/** Events per key in fixed windows of `windowMs`. */
export class FixedWindowCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private readonly windowMs: number;
  private readonly maxEntries: number;
  constructor(windowMs: number, maxEntries: number) {
    this.windowMs = windowMs;
    this.maxEntries = maxEntries;
  }

  count(key: string, now: number): number {
    const window = this.windows.get(key);
    return window !== undefined && window.endsAt > now ? window.count : 0;
  }

  increment(key: string, now: number): void {
    const window = this.windows.get(key);
    if (window !== undefined && window.endsAt > now) {
      window.count++;
      return;
    }
    if (window === undefined && this.windows.size >= this.maxEntries) makeRoom(this.windows, this.maxEntries, now, (w) => w.endsAt);
    this.windows.set(key, { count: 1, endsAt: now + this.windowMs });
  }

  /** Whole seconds until the key's window ends (at least 1). */
  secondsLeft(key: string, now: number): number {
    const window = this.windows.get(key);
    return Math.max(1, Math.ceil(((window?.endsAt ?? now) - now) / 1000));
  }
}

function makeRoom<V>(map: Map<string, V>, maxEntries: number, now: number, expiry: (value: V) => number): void {
  for (const [key, value] of map) if (expiry(value) <= now) map.delete(key);
  // Still full after dropping the expired: start over rather than grow.
  if (map.size >= maxEntries) map.clear();
}
