/** What a page handler is given to answer with (made by dashboard.ts). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DashboardDeps, PageContext } from './context.ts';
import type { SafeHtml } from './html.ts';
import type { Frame } from './layout.ts';

/** What a page handler uses to answer. */
export interface Web {
  deps: DashboardDeps;
  /** The page context of a signed-in request. */
  context(request: FastifyRequest): PageContext;
  /** Sends a whole page in the frame. */
  send(reply: FastifyReply, request: FastifyRequest, frame: Omit<Frame, 'lang' | 't' | 'path' | 'viewer' | 'merchants'>, body: SafeHtml, status?: number): Promise<FastifyReply>;
  /** The merchant a request may read: a merchant's own; an operator's `?m=` or switcher choice; null = all. */
  scope(request: FastifyRequest): number | null;
}

