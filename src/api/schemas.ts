/** Request schemas shared by several endpoints (OpenAPI only; bodies are checked by our own rules). */

/** The `{uuid}` path parameter of every order endpoint. */
export const orderUuidParams = {
  type: 'object',
  properties: { uuid: { type: 'string', pattern: '^ODR\\d{10}$', example: 'ODR3506777330' } },
  required: ['uuid'],
} as const;
