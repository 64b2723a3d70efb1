/** Request schemas shared by several endpoints (OpenAPI only; bodies are checked by our own rules). */
import { ORDER_UUID_PATTERN } from '../domain/orders/ids.ts';

/** The `{uuid}` path parameter of every order endpoint. */
export const orderUuidParams = {
  type: 'object',
  properties: { uuid: { type: 'string', pattern: ORDER_UUID_PATTERN.source, example: 'ODR3506777330' } },
  required: ['uuid'],
} as const;
