/** Invoice runs (SPEC §6.2): one stored record per (merchant, interval, period), resumed if started again. */
import type { Queryable } from './db/db.ts';

export interface InvoiceRunRow {
  id: number;
  merchant_id: number;
  invoice_interval: number;
  period: string;
  cutoff: Date;
  invoice_date: string;
  started_at: Date;
  finished_at: Date | null;
  orders_invoiced: number;
  invoices_created: number;
}

const COLUMNS = `id, merchant_id, invoice_interval, period, cutoff, to_char(invoice_date, 'YYYY-MM-DD') AS invoice_date,
  started_at, finished_at, orders_invoiced, invoices_created`;

/** The run's record, created on first start; a second start (another worker, after a crash) gets the same. */
export async function startInvoiceRun(
  db: Queryable,
  r: { merchantId: number; interval: number; period: string; cutoff: Date; invoiceDate: string; now: Date },
): Promise<InvoiceRunRow> {
  await db.query({
    name: 'start_invoice_run',
    text: `INSERT INTO invoice_runs (merchant_id, invoice_interval, period, cutoff, invoice_date, started_at)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (merchant_id, invoice_interval, period) DO NOTHING`,
    values: [r.merchantId, r.interval, r.period, r.cutoff, r.invoiceDate, r.now],
  });
  const rows = await db.query<InvoiceRunRow>({
    name: 'find_invoice_run',
    text: `SELECT ${COLUMNS} FROM invoice_runs WHERE merchant_id = $1 AND invoice_interval = $2 AND period = $3`,
    values: [r.merchantId, r.interval, r.period],
  });
  return rows[0]!;
}

/** Adds a batch's counts to its run (in the batch's transaction, so counts match what was committed). */
export async function countInvoiceRunBatch(tx: Queryable, runId: number, orders: number, invoices: number): Promise<void> {
  await tx.query({
    name: 'count_invoice_run_batch',
    text: 'UPDATE invoice_runs SET orders_invoiced = orders_invoiced + $2, invoices_created = invoices_created + $3 WHERE id = $1',
    values: [runId, orders, invoices],
  });
}

export async function finishInvoiceRun(db: Queryable, runId: number, now: Date): Promise<InvoiceRunRow> {
  const rows = await db.query<InvoiceRunRow>({
    name: 'finish_invoice_run',
    text: `UPDATE invoice_runs SET finished_at = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
    values: [runId, now],
  });
  return rows[0]!;
}

export async function listInvoiceRuns(db: Queryable, filter: { merchantId?: number; limit: number }): Promise<InvoiceRunRow[]> {
  return db.query<InvoiceRunRow>({
    text: `SELECT ${COLUMNS} FROM invoice_runs WHERE ($1::bigint IS NULL OR merchant_id = $1) ORDER BY id DESC LIMIT $2`,
    values: [filter.merchantId ?? null, filter.limit],
  });
}
