/** The parent side of bench/children/callback-receiver.ts: start it, read its counts and arrivals. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './types.ts';
import { spawnNode, type ChildHandle } from './processes.ts';
import type { Arrival, ReceiverStats } from '../children/callback-receiver.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'children', 'callback-receiver.ts');

export interface ReceiverProcess {
  handle: ChildHandle;
  /** http://127.0.0.1:PORT — callbacks go to `${baseUrl}/cb…`. */
  baseUrl: string;
  stats(): Promise<ReceiverStats>;
  arrivals(): Promise<Arrival[]>;
}

/** Waits for a child's `{"port":N}` line on stdout. */
export function portFromStdout(handle: ChildHandle, timeoutMs = 30_000): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${handle.name} did not start:\n${handle.output()}`)), timeoutMs);
    const check = () => {
      const m = /\{"port":(\d+)\}/.exec(handle.stdout());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    handle.child.stdout!.on('data', check);
    check();
    void handle.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${handle.name} exited:\n${handle.output()}`));
    });
  });
}

export async function startReceiver(ctx: BenchContext): Promise<ReceiverProcess> {
  const handle = spawnNode(ctx.cleanup, 'callback-receiver', [CHILD], { env: {}, stdin: 'pipe' });
  const port = await portFromStdout(handle);
  const baseUrl = `http://127.0.0.1:${port}`;
  const get = async <T>(p: string): Promise<T> => {
    const res = await fetch(`${baseUrl}${p}`, { signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) throw new Error(`receiver ${p} answered ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    handle,
    baseUrl,
    stats: () => get<ReceiverStats>('/__stats'),
    arrivals: async () => (await get<{ arrivals: Arrival[] }>('/__arrivals')).arrivals,
  };
}
