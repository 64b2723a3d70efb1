/** Delivery steps (SPEC §6.5): one job per attempt, see app/delivery/deliver-document.ts. */
import { DELIVERY_JOB, runDeliveryStep, type DeliveryDeps, type DeliveryPayload } from '../app/delivery/deliver-document.ts';
import { createDocumentLinks } from '../app/delivery/document-links.ts';
import type { DeliveryChannels } from '../app/delivery/ports.ts';
import { systemClock } from '../clock.ts';
import type { JobHandler, JobKindOptions, WorkerDeps } from './types.ts';

/** Steps in flight at once per worker: each mostly waits on the network, the SMTP server or the disk. */
const DELIVERY_CONCURRENCY = 8;

export function deliveryKind(deps: WorkerDeps, channels: DeliveryChannels): [string, JobHandler, JobKindOptions] {
  const clock = deps.clock ?? systemClock;
  const { config } = deps;
  const delivery: DeliveryDeps = {
    db: deps.db,
    clock,
    logger: deps.logger.child({ component: 'delivery' }),
    channels,
    links: createDocumentLinks(deps.db, {
      publicUrl: deps.publicUrl ?? config.publicUrl ?? `http://127.0.0.1:${config.port}`,
      days: config.documentLinkDays,
      clock,
    }),
    mailFrom: config.mailFrom,
    retrySchedule: config.deliveryRetrySchedule,
  };
  const handler: JobHandler = async ({ job, complete }) => {
    await runDeliveryStep(delivery, job.payload as DeliveryPayload, complete);
  };
  // The lease outlives a step: a lookup and a send to the network, or an SMTP session, each bounded by
  // the delivery timeout. A step that throws (the database away) is retried by the runner's schedule.
  const leaseSeconds = Math.max(60, Math.ceil((4 * config.deliveryTimeoutMs) / 1000) + 30);
  return [DELIVERY_JOB, handler, { concurrency: DELIVERY_CONCURRENCY, leaseSeconds }];
}
