/**
 * The operator's view of deliveries (SPEC §6.5): the list, and `retry` for undelivered documents — a
 * new chain through the merchant's channels of now, called alike by `efaktura deliveries` and the admin API.
 */
import type { Clock } from '../../clock.ts';
import type { Db } from '../../store/db/db.ts';
import { deliveriesOfNumber, listDeliveries, restartDeliveries, type DeliveryListItem, type DeliveryStatus } from '../../store/deliveries.ts';
import { queueDeliveryStep } from './deliver-document.ts';

export { DELIVERY_STATUSES, type DeliveryStatus, type DeliveryListItem } from '../../store/deliveries.ts';

export function deliveryList(db: Db, q: { status?: DeliveryStatus; merchantId?: number; limit?: number }): Promise<DeliveryListItem[]> {
  return listDeliveries(db, { ...q, limit: q.limit ?? 100 });
}

export type RetryTarget = { number: number; merchantId?: number } | { allUndelivered: true };

export type RetryResult =
  | { ok: true; retried: Array<{ merchantId: number; number: number; deliveryId: number }> }
  /** Nothing was retried: why, in a sentence. */
  | { ok: false; problem: string };

export async function retryDeliveries(db: Db, clock: Clock, target: RetryTarget): Promise<RetryResult> {
  let ids: { deliveryIds: number[] } | { allUndelivered: true };
  if ('number' in target) {
    const found = await deliveriesOfNumber(db, target.number, target.merchantId ?? null);
    if (found.length === 0) return { ok: false, problem: `No document number ${target.number} has a delivery${target.merchantId ? ` at merchant ${target.merchantId}` : ''}.` };
    if (found.length > 1) {
      return { ok: false, problem: `Document number ${target.number} exists at merchants ${found.map((d) => d.merchant_id).join(', ')}: name the merchant.` };
    }
    if (found[0]!.status !== 'undelivered') {
      return { ok: false, problem: `Document ${target.number} is ${found[0]!.status}, not undelivered: nothing to retry.` };
    }
    ids = { deliveryIds: [found[0]!.id] };
  } else {
    ids = { allUndelivered: true };
  }
  const restarted = await db.transaction(async (tx) => {
    const rows = await restartDeliveries(tx, ids, clock.now());
    for (const d of rows) await queueDeliveryStep(tx, d.id, d.step);
    return rows;
  });
  return { ok: true, retried: restarted.map((d) => ({ merchantId: d.merchant_id, number: d.number, deliveryId: d.id })) };
}
