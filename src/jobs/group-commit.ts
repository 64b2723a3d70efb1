/**
 * Group commit: items handed in while one write is under way go out together in the next write, so a
 * worker that finishes hundreds of items a second commits a few times per batch instead of once per item.
 * A lone item is written at once (no timer, no added latency when idle); the next write starts as soon as
 * the previous one ends, so results wait at most one write longer than they would alone.
 */

/** `write` answers per item, in the order given; a rejection fails every item of its batch. */
export function groupCommit<I, O>(write: (items: I[]) => Promise<O[]>, maxBatch: number): (item: I) => Promise<O> {
  let waiting: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  let writing = false;

  async function drain(): Promise<void> {
    writing = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      try {
        const out = await write(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(out[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    writing = false;
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!writing) void drain();
    });
}
