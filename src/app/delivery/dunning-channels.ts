/**
 * A dunning step's document (reminder, debt-collection notice) through the same channels as its invoice
 * (SPEC §7): the eFaktura network as `documentType: reminder | collection_notice` with the step's amount
 * (outstanding + fees + interest), its new due date and the invoice's KID; an e-mail whose subject says
 * reminder; the file outbox as `<number>-reminder.pdf` / `<number>-notice.pdf`. What counts as
 * unreachable and what as transient is the same as for invoices (channels.ts).
 */
import type { ChannelResult } from '../../domain/delivery/chain.ts';
import type { DunningDocument } from '../../domain/dunning/document.ts';
import { dunningMail } from '../../domain/dunning/texts.ts';
import { formatOre } from '../../domain/money/money.ts';
import {
  MailRejectedError, NetworkRefusalError, NetworkUnavailableError, type DeliveryChannels, type EfakturaNetwork, type Mailer, type Outbox,
} from './ports.ts';

export interface ReadyStepDocument {
  stepId: number;
  invoiceId: number;
  merchantId: number;
  document: DunningDocument;
  pdf: Buffer;
  personalNumber: string | null;
  documentUrl: string;
  round: number;
}

const unreachable = (error: string): ChannelResult => ({ outcome: 'unreachable', error });
const failed = (error: string): ChannelResult => ({ outcome: 'failed', error });

/** The outbox name of a step's PDF: beside the invoice's own `<number>.pdf`, never over it. */
export const stepFileName = (doc: Pick<DunningDocument, 'invoiceNumber' | 'kind'>): string => `${doc.invoiceNumber}-${doc.kind}`;

async function sendStepByEfaktura(network: EfakturaNetwork, s: ReadyStepDocument): Promise<ChannelResult> {
  const d = s.document;
  if (d.kid === null || d.dueDate === null) return unreachable('eFaktura needs a KID and a due date');
  if (s.personalNumber === null || !/^\d{11}$/.test(s.personalNumber)) {
    return unreachable('the customer has no valid personal number, which eFaktura needs (error 5003)');
  }
  const issuer = d.seller.organisationNumber;
  try {
    const recipient = await network.lookupRecipient(s.personalNumber, issuer);
    if (recipient === 'no_consent') return unreachable('the customer has no eFaktura consent ("Ja takk til alle")');
    if (recipient === 'blocked') return unreachable('the customer has blocked this issuer in eFaktura');
    const consignmentId = `efaktura-${issuer}-${s.invoiceId}-step${s.stepId}-${s.round}`;
    const result = await network.sendInvoices({
      consignmentId, issuerOrgNumber: issuer, issuerName: d.seller.legalName,
      invoices: [{
        invoiceNumber: String(d.invoiceNumber),
        socialSecurityNumber: s.personalNumber,
        documentType: d.kind === 'notice' ? 'collection_notice' : 'reminder',
        kid: d.kid,
        amount: formatOre(d.totalOre),
        dueDate: d.dueDate,
        accountNumber: d.seller.accountNumber,
        documentUrl: s.documentUrl,
      }],
    });
    const answer = result.invoices.find((i) => i.invoiceNumber === String(d.invoiceNumber));
    if (answer === undefined) return failed(`eFaktura consignment ${consignmentId} came back without invoice ${d.invoiceNumber}`);
    if (answer.status === 'accepted' || answer.errorCode === 209) return { outcome: 'delivered', messageId: consignmentId };
    return unreachable(`eFaktura rejected the ${d.kind} of invoice ${d.invoiceNumber}: error ${answer.errorCode ?? '?'}: ${answer.message ?? ''}`.trim());
  } catch (error) {
    if (error instanceof NetworkUnavailableError) return failed(error.message);
    if (error instanceof NetworkRefusalError) return unreachable(error.message);
    throw error;
  }
}

async function sendStepByEmail(mailer: Mailer | null, mailFrom: string, s: ReadyStepDocument): Promise<ChannelResult> {
  if (mailer === null) return unreachable('e-mail is not configured (EFAKTURA_SMTP_URL is unset)');
  const to = s.document.buyer.email;
  if (to === null || to.trim() === '') return unreachable('the customer has no e-mail address');
  const mail = dunningMail(s.document);
  const domain = /@([^>\s]+)>?$/.exec(mailFrom)?.[1] ?? 'efaktura.invalid';
  try {
    const sent = await mailer.send({
      from: mailFrom, to, replyTo: s.document.seller.email.trim() === '' ? null : s.document.seller.email,
      subject: mail.subject, text: `${mail.text}\n\n${s.documentUrl}`,
      messageId: `<dunning-${s.stepId}.${s.round}@${domain}>`,
      attachments: [{ filename: mail.filename, content: s.pdf, contentType: 'application/pdf' }],
    });
    return { outcome: 'delivered', messageId: sent.messageId };
  } catch (error) {
    if (error instanceof MailRejectedError) return unreachable(error.message);
    return failed(`e-mail: ${(error as Error).message}`);
  }
}

async function writeStepToOutbox(outbox: Outbox, s: ReadyStepDocument): Promise<ChannelResult> {
  try {
    const name = stepFileName(s.document);
    await outbox.write(s.merchantId, name, { pdf: s.pdf });
    return { outcome: 'delivered', messageId: `${s.merchantId}/${name}.pdf` };
  } catch (error) {
    return failed((error as Error).message);
  }
}

export function tryStepChannel(channel: string, channels: DeliveryChannels, mailFrom: string, s: ReadyStepDocument): Promise<ChannelResult> {
  switch (channel) {
    case 'efaktura':
      return sendStepByEfaktura(channels.network, s);
    case 'email':
      return sendStepByEmail(channels.mailer, mailFrom, s);
    case 'file':
      return writeStepToOutbox(channels.outbox, s);
    default:
      // A channel added later (peppol) carries invoices; a reminder goes by the next channel.
      return Promise.resolve(unreachable(`the ${channel} channel does not carry reminders`));
  }
}
