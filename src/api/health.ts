/** Liveness and readiness for load balancers and orchestrators (issue: operations). */
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.ts';
import { success } from './envelope.ts';
import { ApiError } from '../app/errors.ts';

export function registerHealthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/healthz', { schema: { hide: true } }, async () => success(200, 'alive', { status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request) => {
    try {
      await ctx.db.query({ name: 'readyz', text: 'SELECT 1' });
    } catch (error) {
      request.log.warn({ err: error }, 'database not reachable');
      throw new ApiError('serviceUnavailable', { errors: ['The database is not reachable.'] });
    }
    return success(200, 'ready', { status: 'ok', database: ctx.db.kind });
  });
}
