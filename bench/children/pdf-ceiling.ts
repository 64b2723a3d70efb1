/**
 * The rendering ceiling of an invoice run (pdf-ceiling), in a process of its own: an invoice's two files
 * rendered as the render job renders them (src/app/invoicing/render-documents.ts: the PDF and the EHF of
 * one document, `Promise.all`), one invoice after the other, for BENCH_DURATION_S seconds after a warm-up
 * (fonts parsed, code optimised). No database: this is what one core can do at best. The document is a
 * one-page invoice (3 lines at 25/25/15 %, a fee, æøå), as bench/tools/pdf-render-micro.ts renders.
 * Prints one JSON line.
 */
import { createDocumentRenderers } from '../../src/adapters/documents/renderers.ts';
import type { IssuedDocument } from '../../src/domain/invoicing/issued.ts';
import { invoiceDocument } from '../../test/adapters/documents/sample-documents.ts';
import { exitWithParent } from '../lib/processes.ts';

export interface PdfCeilingResult {
  /** Invoices whose PDF and EHF were both rendered. */
  invoices: number;
  elapsedS: number;
  p50Ms: number;
  p99Ms: number;
  pdfBytes: number;
  ehfBytes: number;
}

exitWithParent();
const seconds = Number(process.env.BENCH_DURATION_S ?? 10);
const warmupS = Number(process.env.BENCH_WARMUP_S ?? 3);
const renderers = createDocumentRenderers();
const document: IssuedDocument = { ...invoiceDocument(), customerUuid: 'CSRT1000000001', kidCheck: 'mod10', note: null };

async function renderOne(): Promise<[Buffer, Buffer]> {
  return Promise.all([renderers.pdf(document), renderers.ehf(document)]);
}

const warmUntil = performance.now() + warmupS * 1000;
for (let i = 0; i < 20 || performance.now() < warmUntil; i++) await renderOne();

process.stdout.write('{"phase":"measure"}\n');
const times: number[] = [];
let sizes: [Buffer, Buffer] = await renderOne();
const start = performance.now();
while (performance.now() - start < seconds * 1000) {
  const t0 = performance.now();
  sizes = await renderOne();
  times.push(performance.now() - t0);
}
const elapsedS = (performance.now() - start) / 1000;
process.stdout.write('{"phase":"done"}\n');
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
const result: PdfCeilingResult = {
  invoices: times.length,
  elapsedS,
  p50Ms: at(0.5),
  p99Ms: at(0.99),
  pdfBytes: sizes[0].length,
  ehfBytes: sizes[1].length,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
