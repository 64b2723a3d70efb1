/** Request bodies for create-order. */
import { randomInt } from 'node:crypto';
import { exampleOrder } from '../../test/fixtures/example-order.ts';

/** 11 random digits: a different customer row per order (the example payload always has the same one). */
export function randomPersonalNumber(): string {
  return `${randomInt(10_000, 100_000)}${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/** The documented example payload, as sent by every request of (b)/(c). */
export function examplePayload(): string {
  return JSON.stringify(exampleOrder());
}

/** The example payload with a fresh personal number (opt-in "distinct customers" variants). */
export function examplePayloadDistinctCustomer(): string {
  const body = exampleOrder();
  body.customerDetails.personalNumber = randomPersonalNumber();
  return JSON.stringify(body);
}
