/**
 * The dunning run (SPEC §7): for every invoice still owing, the next step that is due on `asOf` — a
 * reminder, a debt-collection notice or collection — taken in one transaction per invoice: the step is
 * recorded (once per invoice and kind), its orders change status with their callbacks (reminder → PURRING,
 * collection → INKASSO; the notice keeps PURRING), and the step's document is queued for rendering and
 * delivery. Running the same day again finds nothing due; a payment at any point makes the outstanding
 * amount 0, and an invoice owing nothing takes no step. Called alike by the worker's daily job, the CLI
 * and the admin API.
 */
import { buildDunningDocument, type DunningInvoiceFacts } from '../../domain/dunning/document.ts';
import { LATE_INTEREST_RATES, type LateInterestRate } from '../../domain/dunning/rates.ts';
import { nextDunningStep, statusAfterStep, type DunningKind, type DunningStepSoFar } from '../../domain/dunning/schedule.ts';
import type { CalendarDate, Language } from '../../domain/invoicing/types.ts';
import { decideCollection, decideReminder, isOrderStatus } from '../../domain/orders/lifecycle.ts';
import type { Db, Queryable } from '../../store/db/db.ts';
import { dunningInvoice, insertDunningStep, invoicesToDun, stepsOfInvoice, type DunningStepRow } from '../../store/dunning.ts';
import { enqueueJob } from '../../store/jobs.ts';
import { transitionOrder } from '../../store/order-transitions.ts';
import { lockInvoiceForPayment } from '../../store/payments.ts';

export const DUNNING_RENDER_JOB = 'render-dunning-document';
export const DUNNING_RUN_JOB = 'dunning-run';

export interface DunningRunSummary {
  asOf: CalendarDate;
  reminders: number;
  notices: number;
  collections: number;
}

const PAGE = 200;

export const stepSoFar = (row: DunningStepRow): DunningStepSoFar => ({ kind: row.kind, date: row.step_date, feeOre: row.fee_ore, dueDate: row.due_date });

/** Runs dunning for `asOf` over every merchant (or one). Safe to run any number of times, on any number of workers. */
export async function runDunning(
  db: Db,
  opts: { asOf: CalendarDate; merchantId?: number; actor: string; lateInterestRates?: readonly LateInterestRate[] },
): Promise<DunningRunSummary> {
  const summary: DunningRunSummary = { asOf: opts.asOf, reminders: 0, notices: 0, collections: 0 };
  let afterId = 0;
  for (;;) {
    const ids = await invoicesToDun(db, { asOf: opts.asOf, merchantId: opts.merchantId ?? null, afterId, limit: PAGE });
    for (const id of ids) {
      const kind = await db.transaction((tx) => dunInvoice(tx, id, opts.asOf, opts.actor, opts.lateInterestRates));
      if (kind === 'reminder') summary.reminders += 1;
      else if (kind === 'notice') summary.notices += 1;
      else if (kind === 'collection') summary.collections += 1;
    }
    if (ids.length < PAGE) return summary;
    afterId = ids.at(-1)!;
  }
}

/** Takes the invoice's next step if one is due on `asOf`; returns its kind, or null when nothing was due. */
export async function dunInvoice(
  tx: Queryable,
  invoiceId: number,
  asOf: CalendarDate,
  actor: string,
  rates: readonly LateInterestRate[] = LATE_INTEREST_RATES,
): Promise<DunningKind | null> {
  // Orders first, then the invoice: the lock order of payments, cancels and refunds, so none deadlock.
  const locked = await lockInvoiceForPayment(tx, invoiceId);
  const invoice = await dunningInvoice(tx, invoiceId);
  const steps = await stepsOfInvoice(tx, invoiceId);
  const outstandingOre = Math.max(0, invoice.total_ore - invoice.credited_ore - invoice.paid_ore);
  const step = nextDunningStep(
    { invoiceDueDate: invoice.due_date, outstandingOre, merchantFeeOre: invoice.reminder_fee_ore, steps: steps.map(stepSoFar) },
    asOf,
    rates,
  );
  if (step === null) return null;

  // Which orders move: reminder → PURRING (INVOICED, PARTIAL REFUNDED), collection → INKASSO (PURRING).
  const to = statusAfterStep(step.kind);
  const moving = locked.orders.filter((o) => {
    if (!isOrderStatus(o.status)) return false;
    if (to === 'PURRING') return decideReminder(o.status, outstandingOre) === 'PURRING';
    if (to === 'INKASSO') return decideCollection(o.status, outstandingOre) === 'INKASSO';
    return false;
  });
  // A step needs an order it applies to: a reminder one still INVOICED (or already PURRING), a notice one
  // PURRING, collection one PURRING to hand over. Otherwise (say, every order was refunded since) no step.
  const purring = locked.orders.some((o) => o.status === 'PURRING');
  if (step.kind === 'reminder' ? moving.length === 0 && !purring : step.kind === 'notice' ? !purring : moving.length === 0) return null;

  const c = invoice.content;
  const facts: DunningInvoiceFacts = {
    number: invoice.number, issueDate: invoice.issue_date, dueDate: invoice.due_date, kid: invoice.kid,
    language: invoice.language as Language, seller: c.seller, buyer: c.buyer,
    totalOre: invoice.total_ore, creditedOre: invoice.credited_ore, paidOre: invoice.paid_ore,
  };
  const document = buildDunningDocument(facts, steps.map(stepSoFar), step);
  const stepId = await insertDunningStep(tx, { invoiceId, merchantId: invoice.merchant_id, feeOre: step.feeOre, document });
  if (stepId === null) return null;
  for (const order of moving) {
    await transitionOrder(tx, order, to!, { reason: `${step.kind} ${stepId} on invoice ${invoice.number} (dunning run ${asOf})`, actor });
  }
  // Collection sends the customer nothing: the claim waits for `efaktura inkasso export`.
  if (step.kind !== 'collection') await enqueueJob(tx, { kind: DUNNING_RENDER_JOB, key: String(stepId), payload: { stepId } });
  return step.kind;
}

/** The daily run's job key: one run per Oslo date, however many workers. */
export function dunningRunJob(asOf: CalendarDate, runAt?: Date) {
  return { kind: DUNNING_RUN_JOB, key: asOf, payload: { asOf }, ...(runAt ? { runAt } : {}) };
}

