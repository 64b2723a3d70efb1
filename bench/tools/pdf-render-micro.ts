/**
 * PDF renders per second on one core for a one-page invoice (3 lines + fee, æøå), fonts parsed once
 * (SPEC §6.4: rendering happens in the worker, so this bounds how fast a billing run can issue documents).
 * Run: node bench/tools/pdf-render-micro.ts [seconds=5]
 */
import { renderInvoicePdf } from '../../src/adapters/documents/pdf/render-invoice-pdf.ts';
import { invoiceDocument } from '../../test/adapters/documents/sample-documents.ts';

const seconds = Number(process.argv[2] ?? 5);
const document = invoiceDocument();
for (let i = 0; i < 20; i++) await renderInvoicePdf(document); // warm-up: font parse, JIT

let count = 0;
let bytes = 0;
const start = performance.now();
while (performance.now() - start < seconds * 1000) {
  bytes = (await renderInvoicePdf(document)).length;
  count++;
}
const elapsed = (performance.now() - start) / 1000;
console.log(JSON.stringify({ documentsPerSecond: Math.round(count / elapsed), msPerDocument: +((elapsed * 1000) / count).toFixed(2), pdfBytes: bytes }));
