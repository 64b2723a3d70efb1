/** Small readings of a dashboard request: its language and a safe way back. */
import type { FastifyRequest } from 'fastify';
import { pickLanguage, type Language } from './i18n.ts';

export function languageOf(request: FastifyRequest): Language {
  return pickLanguage(request.cookies.efk_lang, request.headers['accept-language']);
}

/** A local path inside the dashboard to return to, or /app: never another site. */
export function safeBack(value: unknown): string {
  return typeof value === 'string' && /^\/app(?:[/?#]|$)/.test(value) && !/[\\\s]/.test(value) ? value : '/app';
}

/** A positive whole number in a path or form field, or null. */
export function idParam(value: unknown): number | null {
  return typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : null;
}
