/**
 * The default Peppol access point (issue 11): sending on the real Peppol network needs an access point
 * agreement (a certified provider's AS4 endpoint), which a fresh install does not have. This one hands the
 * EHF to the outbox instead, at `EFAKTURA_OUTBOX_DIR/peppol/<merchantId>/<number>.xml` (invoices and
 * credit notes share one number series), written atomically, with a small `<number>.json` beside it naming
 * sender, receiver and document type for whatever picks the folder up.
 * A real access point implements `PeppolAccessPoint` (src/app/delivery/ports.ts) and is chosen in
 * src/adapters/delivery-channels.ts.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PeppolAccessPoint } from '../../app/delivery/ports.ts';
import { writeAtomically } from '../file-outbox/file-outbox.ts';

export function createOutboxAccessPoint(outboxDir: string): PeppolAccessPoint {
  return {
    async send(document) {
      const dir = path.resolve(outboxDir, 'peppol', String(document.merchantId));
      const xml = path.join(dir, `${document.documentNumber}.xml`);
      const envelope = {
        senderId: document.senderId,
        receiverId: document.receiverId,
        documentType: document.kind === 'invoice' ? 'Invoice' : 'CreditNote',
        process: 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0',
        file: path.basename(xml),
      };
      try {
        await fs.mkdir(dir, { recursive: true });
        await writeAtomically(xml, document.ehf);
        await writeAtomically(path.join(dir, `${document.documentNumber}.json`), Buffer.from(`${JSON.stringify(envelope, null, 2)}\n`));
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        throw new Error(`cannot write to the Peppol outbox ${dir} (EFAKTURA_OUTBOX_DIR/peppol): ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' '));
      }
      return { messageId: `peppol/${document.merchantId}/${document.documentNumber}.xml` };
    },
  };
}
