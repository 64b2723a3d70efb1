/**
 * The words of a reminder and a debt-collection notice. Norwegian and English; the other invoice languages
 * (sv, da, de) get the English text, which bokføringsloven § 12 accepts and every customer who chose a
 * foreign language can read, rather than a Norwegian legal notice they may not. Amounts and dates are
 * written with the invoice texts' formatters of the language the letter is written in.
 *
 * What the notice must say (inkassoloven § 9): that the claim will be handed to debt collection unless paid
 * within 14 days of the notice, and that collection costs the debtor more.
 */
import type { DocumentTexts } from '../documents/texts/index.ts';
import { textsFor } from '../documents/texts/index.ts';
import type { Language } from '../invoicing/types.ts';

export interface DunningTexts {
  reminderTitle: string;
  noticeTitle: string;
  reminderIntro: (invoiceNumber: number, dueDate: string) => string;
  noticeIntro: (invoiceNumber: number, dueDate: string) => string;
  reminderRequest: (dueDate: string) => string;
  noticeWarning: (dueDate: string) => string;
  alreadyPaid: string;
  documentDate: string;
  invoiceNumber: string;
  invoiceDate: string;
  originalDueDate: string;
  newDueDate: string;
  invoiceAmount: string;
  credited: string;
  paid: string;
  outstanding: string;
  reminderFee: string;
  noticeFee: string;
  interest: (from: string, to: string, days: number) => string;
  totalToPay: string;
  /** The legal basis of the interest, under the amounts. */
  interestNote: string;
  base: DocumentTexts;
}

const norwegian: DunningTexts = {
  reminderTitle: 'Betalingspåminnelse',
  noticeTitle: 'Inkassovarsel',
  reminderIntro: (n, due) => `Vi har ikke registrert betaling av faktura ${n}, som forfalt ${due}.`,
  noticeIntro: (n, due) => `Faktura ${n}, som forfalt ${due}, er fortsatt ikke betalt, heller ikke etter vår betalingspåminnelse.`,
  reminderRequest: (due) => `Vennligst betal beløpet nedenfor innen ${due}, med KID og kontonummer som oppgitt.`,
  noticeWarning: (due) =>
    `Dersom kravet ikke er betalt innen ${due} (14 dager fra dette varselet), vil det bli sendt til inkasso. ` +
    'Inkasso medfører ytterligere kostnader for deg (inkassosalær og renter).',
  alreadyPaid: 'Har du betalt i løpet av de siste dagene, kan du se bort fra dette brevet.',
  documentDate: 'Dato',
  invoiceNumber: 'Fakturanummer',
  invoiceDate: 'Fakturadato',
  originalDueDate: 'Opprinnelig forfall',
  newDueDate: 'Ny forfallsdato',
  invoiceAmount: 'Fakturabeløp',
  credited: 'Kreditert',
  paid: 'Innbetalt',
  outstanding: 'Utestående',
  reminderFee: 'Purregebyr',
  noticeFee: 'Gebyr for inkassovarsel',
  interest: (from, to, days) => `Forsinkelsesrente ${from}–${to} (${days} dager)`,
  totalToPay: 'Å betale',
  interestNote: 'Forsinkelsesrente etter forsinkelsesrenteloven, med satsene fastsatt av Finansdepartementet.',
  base: textsFor('no'),
};

const english: Omit<DunningTexts, 'base'> = {
  reminderTitle: 'Payment reminder',
  noticeTitle: 'Debt collection notice',
  reminderIntro: (n, due) => `We have not received payment of invoice ${n}, which was due on ${due}.`,
  noticeIntro: (n, due) => `Invoice ${n}, due on ${due}, is still unpaid, also after our payment reminder.`,
  reminderRequest: (due) => `Please pay the amount below by ${due}, using the KID and account number shown.`,
  noticeWarning: (due) =>
    `If the claim is not paid by ${due} (14 days from this notice), it will be handed over to debt collection. ` +
    'Debt collection adds further costs for you (collection fees and interest).',
  alreadyPaid: 'If you have paid in the last few days, please disregard this letter.',
  documentDate: 'Date',
  invoiceNumber: 'Invoice number',
  invoiceDate: 'Invoice date',
  originalDueDate: 'Original due date',
  newDueDate: 'New due date',
  invoiceAmount: 'Invoice amount',
  credited: 'Credited',
  paid: 'Paid',
  outstanding: 'Outstanding',
  reminderFee: 'Reminder fee',
  noticeFee: 'Debt collection notice fee',
  interest: (from, to, days) => `Late-payment interest ${from}–${to} (${days} days)`,
  totalToPay: 'Amount to pay',
  interestNote: 'Late-payment interest under the Norwegian Late Payment Interest Act, at the rates set by the Ministry of Finance.',
};

export function dunningTextsFor(language: Language): DunningTexts {
  return language === 'no' ? norwegian : { ...english, base: textsFor('en') };
}

/** The e-mail that carries a reminder or notice: the subject says what it is, the text the claim. */
export function dunningMail(document: {
  kind: 'reminder' | 'notice' | 'collection'; language: Language; invoiceNumber: number; totalOre: number;
  dueDate: string | null; kid: string | null; seller: { legalName: string; accountNumber: string };
}): { subject: string; text: string; filename: string } {
  const t = dunningTextsFor(document.language);
  const f = t.base;
  const title = document.kind === 'notice' ? t.noticeTitle : t.reminderTitle;
  const no = document.language === 'no';
  const seller = document.seller.legalName;
  const subject = no ? `${title}: faktura ${document.invoiceNumber} fra ${seller}` : `${title}: invoice ${document.invoiceNumber} from ${seller}`;
  const due = document.dueDate ? f.formatDate(document.dueDate) : '';
  const text = [
    no ? 'Hei,' : 'Hello,',
    '',
    document.kind === 'notice' ? t.noticeWarning(due) : t.reminderRequest(due),
    '',
    `${t.invoiceNumber}: ${document.invoiceNumber}`,
    `${t.totalToPay}: ${f.formatMoney(document.totalOre)}`,
    ...(document.dueDate ? [`${t.newDueDate}: ${due}`] : []),
    ...(document.kid ? [`${f.kid}: ${document.kid}`] : []),
    `${f.accountNumber}: ${document.seller.accountNumber}`,
    '',
    t.alreadyPaid,
    '',
    no ? 'Med vennlig hilsen' : 'Kind regards',
    seller,
  ].join('\n');
  return { subject, text, filename: `${title.replace(/\s+/g, '-')}-${document.invoiceNumber}.pdf` };
}
