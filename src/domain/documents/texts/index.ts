/** The texts of a document in the customer's `preferredLanguage` (SPEC §6.4). */
import type { Language } from '../../invoicing/types.ts';
import { danish } from './da.ts';
import { german } from './de.ts';
import type { DocumentTexts } from './document-texts.ts';
import { english } from './en.ts';
import { norwegian } from './no.ts';
import { swedish } from './sv.ts';

const TEXTS: Record<Language, DocumentTexts> = { no: norwegian, en: english, sv: swedish, da: danish, de: german };

export const textsFor = (language: Language): DocumentTexts => TEXTS[language];

export type { DocumentTexts } from './document-texts.ts';

