/** How Norwegian identifiers are printed: grouped for reading aloud, never altered. */
import { NBSP } from '../../../domain/documents/texts/document-texts.ts';

/** "123456785" → "123 456 785" (Brønnøysundregistrene's style). */
export const formatOrganisationNumber = (digits: string): string =>
  /^\d{9}$/.test(digits) ? `${digits.slice(0, 3)}${NBSP}${digits.slice(3, 6)}${NBSP}${digits.slice(6)}` : digits;

/** "12345678903" → "1234.56.78903" (the banks' style). */
export const formatAccountNumber = (digits: string): string =>
  /^\d{11}$/.test(digits) ? `${digits.slice(0, 4)}.${digits.slice(4, 6)}.${digits.slice(6)}` : digits;
