/** Placeholder until the callback outbox lands (issue 3): nothing to deliver yet. */
import type { WorkerDeps } from './worker.ts';

export interface CallbackDelivery {
  wake(): void;
  stop(): Promise<void>;
}

export async function startCallbackDelivery(_deps: WorkerDeps): Promise<CallbackDelivery> {
  return { wake() {}, async stop() {} };
}
