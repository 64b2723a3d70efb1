/**
 * Public identifiers in the documented shapes (SPEC §2.1): orders `ODR` + 10 digits, customers
 * `CSRT` + 10 digits. Random, not sequential, so they reveal nothing about volume; uniqueness is
 * enforced by the database and a collision is retried by the caller.
 */
import { randomInt } from 'node:crypto';

function tenDigits(): string {
  // 1_000_000_000 … 9_999_999_999: always ten digits, never a leading zero.
  const high = randomInt(100_000, 1_000_000); // 6 digits
  const low = randomInt(0, 10_000); // 4 digits
  return `${high}${String(low).padStart(4, '0')}`;
}

export const newOrderUuid = (): string => `ODR${tenDigits()}`;
export const newCustomerUuid = (): string => `CSRT${tenDigits()}`;

export const ORDER_UUID_PATTERN = /^ODR\d{10}$/;
