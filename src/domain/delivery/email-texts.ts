/**
 * The e-mail that carries a document (SPEC §6.5): subject and text in the customer's language, built from
 * the document's own labels (domain/documents/texts) so the mail and the attached PDF use the same words.
 */
import type { InvoiceDocument } from '../documents/invoice-document.ts';
import { textsFor } from '../documents/texts/index.ts';
import type { Language } from '../invoicing/types.ts';

interface MailPhrases {
  /** "Faktura 12 fra Demo AS". */
  subject: (title: string, number: number, seller: string) => string;
  greeting: string;
  invoiceIntro: (seller: string) => string;
  creditNoteIntro: (seller: string) => string;
  attached: string;
  link: string;
  closing: string;
}

const PHRASES: Record<Language, MailPhrases> = {
  no: {
    subject: (title, n, seller) => `${title} ${n} fra ${seller}`,
    greeting: 'Hei,',
    invoiceIntro: (seller) => `Vedlagt er en faktura fra ${seller}.`,
    creditNoteIntro: (seller) => `Vedlagt er en kreditnota fra ${seller}.`,
    attached: 'Dokumentet ligger ved som PDF.',
    link: 'Du kan også åpne det her:',
    closing: 'Med vennlig hilsen',
  },
  en: {
    subject: (title, n, seller) => `${title} ${n} from ${seller}`,
    greeting: 'Hello,',
    invoiceIntro: (seller) => `Please find attached an invoice from ${seller}.`,
    creditNoteIntro: (seller) => `Please find attached a credit note from ${seller}.`,
    attached: 'The document is attached as a PDF.',
    link: 'You can also open it here:',
    closing: 'Kind regards',
  },
  sv: {
    subject: (title, n, seller) => `${title} ${n} från ${seller}`,
    greeting: 'Hej,',
    invoiceIntro: (seller) => `Bifogat finns en faktura från ${seller}.`,
    creditNoteIntro: (seller) => `Bifogat finns en kreditnota från ${seller}.`,
    attached: 'Dokumentet är bifogat som PDF.',
    link: 'Du kan också öppna det här:',
    closing: 'Med vänliga hälsningar',
  },
  da: {
    subject: (title, n, seller) => `${title} ${n} fra ${seller}`,
    greeting: 'Hej,',
    invoiceIntro: (seller) => `Vedhæftet er en faktura fra ${seller}.`,
    creditNoteIntro: (seller) => `Vedhæftet er en kreditnota fra ${seller}.`,
    attached: 'Dokumentet er vedhæftet som PDF.',
    link: 'Du kan også åbne det her:',
    closing: 'Med venlig hilsen',
  },
  de: {
    subject: (title, n, seller) => `${title} ${n} von ${seller}`,
    greeting: 'Guten Tag,',
    invoiceIntro: (seller) => `anbei erhalten Sie eine Rechnung von ${seller}.`,
    creditNoteIntro: (seller) => `anbei erhalten Sie eine Gutschrift von ${seller}.`,
    attached: 'Das Dokument ist als PDF beigefügt.',
    link: 'Sie können es auch hier öffnen:',
    closing: 'Mit freundlichen Grüßen',
  },
};

export interface DocumentMail {
  subject: string;
  text: string;
  /** The attachment's file name: the document's title and number, e.g. "Faktura-12.pdf". */
  filename: string;
}

export function documentMail(document: InvoiceDocument, linkUrl: string | null): DocumentMail {
  const texts = textsFor(document.language);
  const phrases = PHRASES[document.language];
  const invoice = document.kind === 'invoice';
  const title = invoice ? texts.invoiceTitle : texts.creditNoteTitle;
  const seller = document.seller.legalName;
  const facts = invoice
    ? [
        `${texts.invoiceNumber}: ${document.number}`,
        `${texts.totalToPay}: ${texts.formatMoney(document.totalOre)}`,
        ...(document.dueDate ? [`${texts.dueDate}: ${texts.formatDate(document.dueDate)}`] : []),
        ...(document.kid ? [`${texts.kid}: ${document.kid}`] : []),
        `${texts.accountNumber}: ${document.seller.accountNumber}`,
      ]
    : [
        `${texts.creditNoteNumber}: ${document.number}`,
        ...(document.creditsInvoiceNumber !== null ? [`${texts.creditsInvoice}: ${document.creditsInvoiceNumber}`] : []),
        `${texts.totalCredited}: ${texts.formatMoney(document.totalOre)}`,
      ];
  const text = [
    phrases.greeting,
    '',
    invoice ? phrases.invoiceIntro(seller) : phrases.creditNoteIntro(seller),
    '',
    ...facts,
    '',
    phrases.attached,
    ...(linkUrl ? [phrases.link, linkUrl] : []),
    '',
    phrases.closing,
    seller,
  ].join('\n');
  return { subject: phrases.subject(title, document.number, seller), text, filename: `${title}-${document.number}.pdf` };
}
