/**
 * The file channel's outbox (SPEC §6.5): a document's PDF and EHF at
 * `EFAKTURA_OUTBOX_DIR/<merchantId>/<number>.{pdf,xml}` (a reminder or notice: `<number>-reminder.pdf`,
 * `<number>-notice.pdf`), for the print/archive hand-off. Each file is
 * written to a temporary name in the same directory and renamed into place, so a reader never sees half a
 * file and a repeated write (a retry after a crash) replaces the file with the same bytes.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Outbox } from '../../app/delivery/ports.ts';

/** Writes to a temporary name beside `file` and renames it into place: a reader never sees half a file. */
export async function writeAtomically(file: string, content: Buffer): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(temp, content, { flag: 'wx' });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

export function createFileOutbox(outboxDir: string): Outbox {
  return {
    async write(merchantId, documentNumber, files) {
      const dir = path.resolve(outboxDir, String(merchantId));
      const pdfPath = path.join(dir, `${documentNumber}.pdf`);
      const ehfPath = path.join(dir, `${documentNumber}.xml`);
      try {
        await fs.mkdir(dir, { recursive: true });
        await writeAtomically(pdfPath, files.pdf);
        if (files.ehf !== undefined) await writeAtomically(ehfPath, files.ehf);
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        throw new Error(`cannot write to the outbox directory ${dir} (EFAKTURA_OUTBOX_DIR): ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' '));
      }
      return { pdfPath, ehfPath: files.ehf !== undefined ? ehfPath : null };
    },
  };
}
