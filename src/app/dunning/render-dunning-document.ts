/**
 * Rendering a dunning step's PDF (SPEC §7), queued in the step's transaction and run as its own job, like
 * an invoice's documents: the file is stored once with the job's fenced completion, and the step's
 * delivery through the merchant's channels is queued in the same transaction.
 */
import type { DunningDocument } from '../../domain/dunning/document.ts';
import type { Db, Queryable } from '../../store/db/db.ts';
import { findDunningStep, storeDunningDocument } from '../../store/dunning.ts';
import { queueStepDelivery } from '../delivery/deliver-document.ts';

/** The reminder/notice PDF renderer the composition root plugs in (adapters/documents/pdf). */
export type DunningPdfRenderer = (document: DunningDocument) => Promise<Buffer>;

export async function renderDunningDocument(
  db: Db,
  render: DunningPdfRenderer,
  stepId: number,
  complete: (tx: Queryable) => Promise<void> = async () => {},
): Promise<void> {
  const step = await findDunningStep(db, stepId);
  if (step === null) throw new Error(`Dunning step ${stepId} does not exist.`);
  const pdf = await render(step.content);
  await db.transaction(async (tx) => {
    await complete(tx);
    await storeDunningDocument(tx, stepId, pdf);
    await queueStepDelivery(tx, step.invoice_id, stepId);
  });
}
