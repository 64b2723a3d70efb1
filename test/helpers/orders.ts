/** Making orders and status changes straight through the store, for tests of what follows them. */
import { exampleOrder } from '../fixtures/example-order.ts';
import { validateCreateOrder } from '../../src/api/validation/create-order.ts';
import { newCustomerUuid, newOrderUuid } from '../../src/domain/orders/ids.ts';
import type { OrderStatus } from '../../src/domain/orders/lifecycle.ts';
import type { Db } from '../../src/store/db/db.ts';
import { findOrder, insertOrder } from '../../src/store/orders.ts';
import { transitionOrder } from '../../src/store/order-transitions.ts';

export async function makeOrder(db: Db, merchantId: number, callbackUrl: string, personalNumber = '12345678901'): Promise<string> {
  const body = exampleOrder({ productsAs: 'array' });
  body.callback.callbackUrl = callbackUrl;
  body.customerDetails.personalNumber = personalNumber;
  const result = validateCreateOrder(body);
  if (!result.ok) throw new Error(result.errors.join(' '));
  const created = await insertOrder(db, merchantId, result.value, { orderUuid: newOrderUuid(), customerUuid: newCustomerUuid() }, 'test', null);
  return created.uuid;
}

/** Moves an order through `statuses` in order, one transaction each (as invoicing, payments … will). */
export async function moveOrder(db: Db, merchantId: number, uuid: string, ...statuses: OrderStatus[]): Promise<void> {
  for (const to of statuses) {
    await db.transaction(async (tx) => {
      const order = await findOrder(tx, merchantId, uuid, { forUpdate: true });
      if (!order) throw new Error(`no order ${uuid}`);
      await transitionOrder(tx, order, to, { reason: 'test', actor: 'test' });
    });
  }
}
