/**
 * The PDF carries, as selectable text, every field bokføringsforskriften §5-1-1 requires (SPEC §6.4), in
 * each of the five languages; long invoices flow over pages with the table header repeated and numbered
 * pages; the same document always gives the same bytes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { extractText, getDocumentProxy } from 'unpdf';
import { renderInvoicePdf } from '../../../src/adapters/documents/pdf/render-invoice-pdf.ts';
import { allLines, type InvoiceDocument } from '../../../src/domain/documents/invoice-document.ts';
import { textsFor } from '../../../src/domain/documents/texts/index.ts';
import type { Language } from '../../../src/domain/invoicing/types.ts';
import { combinedGroups, invoiceDocument, manyLines, ORDER_A } from './sample-documents.ts';

/** Page texts with every run of white space (the non-breaking ones included) as one space. */
async function pdfPages(pdf: Buffer): Promise<string[]> {
  const proxy = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(proxy, { mergePages: false });
  return text.map((page) => page.replace(/\s+/g, ' '));
}

const normalize = (text: string): string => text.replace(/\s+/g, ' ');

function assertContains(text: string, expected: string[], context: string): void {
  for (const piece of expected) assert.ok(text.includes(normalize(piece)), `${context}: "${piece}" missing in:\n${text}`);
}

/** What every invoice must show, in the document's language, as the customer would read it. */
function mandatoryFields(document: InvoiceDocument): string[] {
  const t = textsFor(document.language);
  const fields = [
    document.kind === 'invoice' ? t.invoiceTitle : t.creditNoteTitle,
    String(document.number),
    document.seller.legalName,
    'Strandgata 14',
    '5013 Bergen',
    `${t.organisationNumber} 123 456 785 MVA`,
    'Foretaksregisteret',
    document.buyer.name,
    document.buyer.address.street,
    `${document.buyer.address.zip} ${document.buyer.address.city}`,
    t.formatDate(document.issueDate),
    t.deliveryDate,
    t.formatDate(document.deliveryDate),
    t.description, t.quantity, t.unitPrice, t.discount, t.vatRate, t.amount,
    t.net, t.gross,
    t.formatMoney(document.totalOre),
    t.page(1, 1),
  ];
  for (const line of allLines(document)) {
    fields.push(line.kind === 'fee' ? t.invoiceFee : line.description, t.formatAmount(line.unitPriceOre), t.formatAmount(line.amountOre), t.formatRate(line.vatRate));
    if (line.discountOre) fields.push(t.formatAmount(line.discountOre));
  }
  for (const rate of document.vatSummary) fields.push(t.formatAmount(rate.netOre), t.formatAmount(rate.vatOre), t.formatAmount(rate.grossOre));
  if (document.kind === 'invoice') {
    fields.push(t.invoiceDate, t.dueDate, t.formatDate(document.dueDate!), t.kid, document.kid!, t.accountNumber, '1234.56.78903', t.totalToPay);
  } else {
    fields.push(t.creditsInvoice, String(document.creditsInvoiceNumber), t.totalCredited, t.creditNoteNoPayment);
  }
  return fields;
}

const LANGUAGE_WORDS: Record<Language, string[]> = {
  no: ['Faktura', 'Fakturadato', 'Forfallsdato', 'Å betale', 'Fakturagebyr', 'kr 2 195,40', '05.03.2026', 'Side 1 av 1'],
  en: ['Invoice', 'Invoice date', 'Due date', 'Total to pay', 'Invoice fee', 'NOK 2,195.40', '2026-03-05', 'Page 1 of 1'],
  sv: ['Faktura', 'Fakturadatum', 'Förfallodatum', 'Att betala', 'Fakturaavgift', '2 195,40 kr', '2026-03-05', 'Sida 1 av 1'],
  da: ['Faktura', 'Fakturadato', 'Forfaldsdato', 'At betale', 'Fakturagebyr', '2.195,40 kr.', '05.03.2026', 'Side 1 af 1'],
  de: ['Rechnung', 'Rechnungsdatum', 'Fälligkeitsdatum', 'Zu zahlen', 'Rechnungsgebühr', '2.195,40 NOK', '05.03.2026', 'Seite 1 von 1'],
};

for (const language of ['no', 'en', 'sv', 'da', 'de'] as const) {
  test(`an invoice in "${language}" shows every mandatory field and the ${language} words`, async () => {
    const document = invoiceDocument({ language });
    const [page, ...more] = await pdfPages(await renderInvoicePdf(document));
    assert.equal(more.length, 0);
    assertContains(page!, mandatoryFields(document), language);
    assertContains(page!, LANGUAGE_WORDS[language], language);
  });

  test(`a credit note in "${language}" names the invoice it credits and asks for no payment`, async () => {
    const document = invoiceDocument({ language, kind: 'creditNote', fee: null });
    const [page] = await pdfPages(await renderInvoicePdf(document));
    assertContains(page!, mandatoryFields(document), language);
    const t = textsFor(language);
    assert.ok(!page!.includes(t.dueDate), 'a credit note has no due date');
    assert.ok(!page!.includes(t.totalToPay), 'a credit note asks for nothing to be paid');
  });
}

test('a combined invoice has one heading per order, with its reference (or id) and date', async () => {
  const document = invoiceDocument({ language: 'en', groups: combinedGroups() });
  const [page] = await pdfPages(await renderInvoicePdf(document));
  assertContains(page!, mandatoryFields(document), 'combined');
  assertContains(page!, ['Order WEB-10001, delivered 2026-02-03', `Order ${combinedGroups()[1]!.orderUuid}, delivered 2026-02-11`, 'Order WEB-10077, delivered 2026-02-24'], 'combined');
});

test('a business buyer is printed with its organisation number, a private buyer with name and address only', async () => {
  const [business] = await pdfPages(await renderInvoicePdf(invoiceDocument({ businessBuyer: true })));
  assertContains(business!, ['Økern Bygg og Anlegg AS', 'Økernveien 99', '0579 Oslo', 'Org.nr. 987 654 325'], 'business');
  const [personal] = await pdfPages(await renderInvoicePdf(invoiceDocument()));
  assert.equal(personal!.match(/Org\.nr\./g)?.length, 2, 'only the seller has an org number (header and footer)');
});

test('60 lines flow over several pages: header repeated, pages numbered, every line and the total present', async () => {
  const lines = manyLines(60);
  const document = invoiceDocument({ groups: [{ orderUuid: ORDER_A, orderDate: '2026-03-01', referenceNo: null, lines }] });
  const pages = await pdfPages(await renderInvoicePdf(document));
  assert.ok(pages.length >= 2, `expected several pages, got ${pages.length}`);
  pages.forEach((page, i) => {
    assertContains(page, ['Beskrivelse', 'Enhetspris', `Side ${i + 1} av ${pages.length}`, 'Org.nr. 123 456 785 MVA'], `page ${i + 1}`);
  });
  const all = pages.join(' ');
  for (const line of lines) assert.ok(all.includes(normalize(line.description)), line.description);
  assertContains(pages.at(-1)!, ['Å betale', textsFor('no').formatMoney(document.totalOre)], 'last page');
});

test('the same document renders to the same bytes; a different number to different ones', async () => {
  const sha = async (document: InvoiceDocument): Promise<string> => createHash('sha256').update(await renderInvoicePdf(document)).digest('hex');
  const first = await sha(invoiceDocument());
  assert.equal(await sha(invoiceDocument()), first);
  assert.notEqual(await sha(invoiceDocument({ number: 1044 })), first);
});
