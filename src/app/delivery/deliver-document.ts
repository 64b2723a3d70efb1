/**
 * Delivering a document (SPEC §6.5): once its PDF and EHF exist, through the merchant's channels in
 * order. Each attempt is one step, run by a job of its own (`deliver-document`, key `<delivery>:<step>`):
 * the step tries one channel, then, in one transaction with the job's fenced completion, records the
 * attempt, moves the chain on (domain/delivery/chain.ts) and queues the next step. So a step's outcome is
 * recorded once, even with many workers; a worker that dies mid-step leaves the job to be claimed again
 * after its lease, and the repeated send is harmless: the eFaktura consignment id is the same for the
 * whole chain (answered 209, then read back), the outbox files are replaced by the same bytes. Only an
 * e-mail can arrive twice in that case (SMTP has no idempotency); its Message-ID is the same both times.
 */
import type { Clock } from '../../clock.ts';
import { afterAttempt, firstServingChannel, type ChainState, type ChannelResult } from '../../domain/delivery/chain.ts';
import type { Logger } from '../../log.ts';
import type { Db, Queryable } from '../../store/db/db.ts';
import {
  customerPersonalNumber, findDelivery, findDeliveryOfInvoice, insertAttempt, insertDelivery, insertStepDelivery, saveDeliveryState,
  type DeliveryRow, type NewAttempt,
} from '../../store/deliveries.ts';
import { findInvoiceById, findInvoiceDocument, type InvoiceRow } from '../../store/invoices.ts';
import { enqueueJob } from '../../store/jobs.ts';
import { settlement } from '../invoicing/invoice-view.ts';
import { findDunningDocument, findDunningStep } from '../../store/dunning.ts';
import { tryChannel, type ReadyDocument } from './channels.ts';
import { tryStepChannel, type ReadyStepDocument } from './dunning-channels.ts';
import type { DocumentLinks } from './document-links.ts';
import { NetworkRefusalError, type DeliveryChannels } from './ports.ts';

export const DELIVERY_JOB = 'deliver-document';

export interface DeliveryPayload {
  deliveryId: number;
  step: number;
}

/** Queues the step `step` of a delivery, `delaySeconds` from `now` (or at once). */
export async function queueDeliveryStep(tx: Queryable, deliveryId: number, step: number, runAt?: Date): Promise<void> {
  const payload: DeliveryPayload = { deliveryId, step };
  await enqueueJob(tx, { kind: DELIVERY_JOB, key: `${deliveryId}:${step}`, payload, ...(runAt ? { runAt } : {}) });
}

/** Starts a document's delivery, in the transaction that stores its files (once per document). */
export async function queueDelivery(tx: Queryable, invoiceId: number): Promise<void> {
  const delivery = await insertDelivery(tx, invoiceId);
  if (delivery !== null) await queueDeliveryStep(tx, delivery.id, delivery.step);
}

/** Starts the delivery of a dunning step's document, in the transaction that stores its PDF (once per step). */
export async function queueStepDelivery(tx: Queryable, invoiceId: number, stepId: number): Promise<void> {
  const delivery = await insertStepDelivery(tx, invoiceId, stepId);
  if (delivery !== null) await queueDeliveryStep(tx, delivery.id, delivery.step);
}

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  channels: DeliveryChannels;
  links: DocumentLinks;
  mailFrom: string;
  /** Seconds before each retry of a transient failure on one channel; then the next channel. */
  retrySchedule: readonly number[];
}

const stateOf = (d: DeliveryRow): ChainState => ({
  status: d.status,
  channels: d.channels,
  channelIndex: d.channel_index,
  channelFailures: d.channel_failures,
  step: d.step,
  deliveredChannel: d.delivered_channel,
  deliveredMessageId: d.delivered_message_id,
});

/**
 * Runs one step of a delivery; `complete(tx)` is the job's fenced completion (it throws when another
 * worker holds the job now, and this step's writes roll back with it).
 */
export async function runDeliveryStep(
  deps: DeliveryDeps,
  payload: DeliveryPayload,
  complete: (tx: Queryable) => Promise<void>,
): Promise<void> {
  const { db } = deps;
  const delivery = await findDelivery(db, payload.deliveryId);
  // A step already taken (or a chain that ended) has nothing left to do.
  if (delivery === null || delivery.status !== 'pending' || delivery.step !== payload.step) {
    await db.transaction((tx) => complete(tx));
    return;
  }
  const invoice = await findInvoiceById(db, delivery.invoice_id);
  if (invoice === null) throw new Error(`Document ${delivery.invoice_id} of delivery ${delivery.id} does not exist.`);
  const customer = { business: invoice.content.buyer.organisationNumber !== null };
  const index = firstServingChannel(delivery.channels, delivery.channel_index, customer);
  const state = index === delivery.channel_index ? stateOf(delivery) : { ...stateOf(delivery), channelIndex: index, channelFailures: 0 };
  const channel = delivery.channels[index] ?? 'none';
  let result: ChannelResult;
  let cancellation: NewAttempt | null = null;
  if (delivery.dunning_step_id !== null) {
    result = await tryStepChannel(channel, deps.channels, deps.mailFrom, await readyStep(deps, delivery, invoice));
  } else {
    const [pdf, ehf, personalNumber] = await Promise.all([
      findInvoiceDocument(db, invoice.id, 'pdf'),
      findInvoiceDocument(db, invoice.id, 'ehf'),
      customerPersonalNumber(db, invoice.customer_id),
    ]);
    if (pdf === null || ehf === null) throw new Error(`Document ${invoice.id} has no PDF/EHF yet; its delivery waits.`);

    const doc: ReadyDocument = {
      invoice,
      pdf: pdf.content,
      ehf: ehf.content,
      personalNumber,
      documentUrl: await deps.links.urlFor(invoice.id),
      round: delivery.round,
    };
    // Before the credit note's own first attempt: cancel the invoice it cancels in the network.
    cancellation = invoice.kind === 'credit_note' && delivery.step === 0 ? await cancelInNetwork(deps, invoice) : null;
    result = await tryChannel(channel, deps.channels, deps.mailFrom, doc);
  }
  const now = deps.clock.now();
  const next = afterAttempt(state, result, deps.retrySchedule);
  await db.transaction(async (tx) => {
    await complete(tx);
    if (cancellation !== null) await insertAttempt(tx, cancellation);
    await insertAttempt(tx, {
      deliveryId: delivery.id,
      channel,
      at: now,
      outcome: result.outcome,
      error: result.outcome === 'delivered' ? null : result.error,
      messageId: result.outcome === 'delivered' ? result.messageId : null,
    });
    const s = next.state;
    await saveDeliveryState(tx, {
      id: delivery.id, status: s.status, channel_index: s.channelIndex, channel_failures: s.channelFailures, step: s.step,
      delivered_channel: s.deliveredChannel, delivered_message_id: s.deliveredMessageId,
    }, now);
    if (next.runInSeconds !== null) await queueDeliveryStep(tx, delivery.id, s.step, new Date(now.getTime() + next.runInSeconds * 1000));
  });

  const log = { deliveryId: delivery.id, merchantId: invoice.merchant_id, document: invoice.number, channel };
  if (result.outcome === 'delivered') deps.logger.info({ ...log, messageId: result.messageId }, 'document delivered');
  else if (result.outcome === 'unreachable') deps.logger.info({ ...log, reason: result.error }, 'channel cannot reach the customer; next channel');
  else deps.logger.warn({ ...log, error: result.error, retryInSeconds: next.runInSeconds }, 'delivery attempt failed');
  if (next.state.status === 'undelivered') deps.logger.warn(log, 'document undelivered: every channel failed (efaktura deliveries retry)');
}

/**
 * A dunning step's document ready for its channels: its own PDF, its signed /d/ link (what the bank shows
 * for the eFaktura reminder), and the step's amount and due date.
 */
async function readyStep(deps: DeliveryDeps, delivery: DeliveryRow, invoice: InvoiceRow): Promise<ReadyStepDocument> {
  const stepId = delivery.dunning_step_id!;
  const [step, pdf, personalNumber] = await Promise.all([
    findDunningStep(deps.db, stepId),
    findDunningDocument(deps.db, stepId),
    customerPersonalNumber(deps.db, invoice.customer_id),
  ]);
  if (step === null || pdf === null) throw new Error(`Dunning step ${stepId} has no PDF yet; its delivery waits.`);
  return {
    stepId, invoiceId: invoice.id, merchantId: invoice.merchant_id, document: step.content, pdf, personalNumber,
    documentUrl: await deps.links.urlForStep(stepId), round: delivery.round,
  };
}

/**
 * A credit note that cancels an unpaid invoice the customer got as an eFaktura cancels it in the network
 * too, so the bank stops asking for the payment. Best effort: the credit note is delivered either way,
 * and the outcome is recorded on the invoice's delivery. Returns that record, or null when nothing applies.
 */
async function cancelInNetwork(deps: DeliveryDeps, creditNote: InvoiceRow): Promise<NewAttempt | null> {
  if (creditNote.credits_invoice_id === null) return null;
  const invoice = await findInvoiceById(deps.db, creditNote.credits_invoice_id);
  if (invoice === null || invoice.paid_ore > 0 || settlement(invoice).status !== 'credited') return null;
  const delivery = await findDeliveryOfInvoice(deps.db, invoice.id);
  if (delivery === null || delivery.status !== 'delivered' || delivery.delivered_channel !== 'efaktura') return null;
  const attempt = { deliveryId: delivery.id, channel: 'efaktura', at: deps.clock.now(), messageId: delivery.delivered_message_id };
  try {
    await deps.channels.network.cancelInvoice(invoice.content.seller.organisationNumber, String(invoice.number));
    return { ...attempt, outcome: 'cancelled', error: `cancelled by credit note ${creditNote.number}` };
  } catch (error) {
    // 5006: cancelled already (by this step before a crash, say): the goal is reached.
    if (error instanceof NetworkRefusalError && error.errorCode === 5006) {
      return { ...attempt, outcome: 'cancelled', error: `cancelled by credit note ${creditNote.number} (already cancelled)` };
    }
    deps.logger.warn({ err: error, invoice: invoice.number, merchantId: invoice.merchant_id }, 'could not cancel the invoice in the eFaktura network');
    return { ...attempt, outcome: 'cancel_failed', error: `credit note ${creditNote.number}: ${(error as Error).message}` };
  }
}
