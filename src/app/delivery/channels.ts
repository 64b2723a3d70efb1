/**
 * The three channels (SPEC §6.5), each a function from a document ready to deliver to a ChannelResult.
 * What counts as "cannot reach this customer" (the next channel) and what as transient (retry here) is
 * decided here, from the ports' answers; the ports only speak their protocol.
 */
import type { ChannelResult } from '../../domain/delivery/chain.ts';
import { documentMail } from '../../domain/delivery/email-texts.ts';
import { formatOre } from '../../domain/money/money.ts';
import type { InvoiceRow } from '../../store/invoices.ts';
import {
  MailRejectedError,
  NetworkRefusalError,
  NetworkUnavailableError,
  type DeliveryChannels,
  type EfakturaNetwork,
  type Mailer,
  type Outbox,
  type PeppolAccessPoint,
} from './ports.ts';

/** A document whose files exist, with what its channels need. */
export interface ReadyDocument {
  invoice: InvoiceRow;
  pdf: Buffer;
  ehf: Buffer;
  /** The customer's fødselsnummer (customers table); the documents never print it. */
  personalNumber: string | null;
  /** The signed /d/ link to the PDF. */
  documentUrl: string;
  /** The delivery's chain number (1, then +1 per operator retry). */
  round: number;
}

const unreachable = (error: string): ChannelResult => ({ outcome: 'unreachable', error });
const failed = (error: string): ChannelResult => ({ outcome: 'failed', error });

/**
 * The eFaktura consignment id of a delivery chain: the same for every retry of one chain, so a send whose
 * answer was lost (or whose result a crash kept from being recorded) is answered 209 and read back.
 */
export function consignmentIdOf(doc: Pick<ReadyDocument, 'invoice' | 'round'>): string {
  return `efaktura-${doc.invoice.content.seller.organisationNumber}-${doc.invoice.id}-${doc.round}`;
}

export async function sendByEfaktura(network: EfakturaNetwork, doc: ReadyDocument): Promise<ChannelResult> {
  const { invoice } = doc;
  const content = invoice.content;
  // The network carries invoices, reminders and collection notices; a credit note goes by the next channel
  // (and cancels its invoice in the network, see cancelInNetwork).
  if (invoice.kind !== 'invoice' || content.kid === null || content.dueDate === null) {
    return unreachable('eFaktura carries invoices only; a credit note goes by the next channel');
  }
  // Credited in full before it went out (an order cancelled right after invoicing): the bank must not ask
  // for a payment; the document still reaches the customer by the next channel, with its credit note.
  if (invoice.credited_ore >= invoice.total_ore) {
    return unreachable('the invoice is credited in full: not sent to eFaktura as a payment request');
  }
  if (doc.personalNumber === null || !/^\d{11}$/.test(doc.personalNumber)) {
    return unreachable('the customer has no valid personal number, which eFaktura needs (error 5003)');
  }
  const issuer = content.seller.organisationNumber;
  try {
    const recipient = await network.lookupRecipient(doc.personalNumber, issuer);
    if (recipient === 'no_consent') return unreachable('the customer has no eFaktura consent ("Ja takk til alle")');
    if (recipient === 'blocked') return unreachable('the customer has blocked this issuer in eFaktura');
    const consignmentId = consignmentIdOf(doc);
    const result = await network.sendInvoices({
      consignmentId,
      issuerOrgNumber: issuer,
      issuerName: content.seller.legalName,
      invoices: [{
        invoiceNumber: String(invoice.number),
        socialSecurityNumber: doc.personalNumber,
        documentType: 'invoice',
        kid: content.kid,
        amount: formatOre(invoice.total_ore),
        dueDate: content.dueDate,
        accountNumber: content.seller.accountNumber,
        documentUrl: doc.documentUrl,
      }],
    });
    const answer = result.invoices.find((i) => i.invoiceNumber === String(invoice.number));
    if (answer === undefined) return failed(`eFaktura consignment ${consignmentId} came back without invoice ${invoice.number}`);
    // 209 on the invoice: the network has this invoice number from this issuer already (an earlier
    // chain's send that arrived after all); it shows it once, so it is delivered.
    if (answer.status === 'accepted' || answer.errorCode === 209) return { outcome: 'delivered', messageId: consignmentId };
    return unreachable(`eFaktura rejected invoice ${invoice.number}: error ${answer.errorCode ?? '?'}: ${answer.message ?? ''}`.trim());
  } catch (error) {
    if (error instanceof NetworkUnavailableError) return failed(error.message);
    if (error instanceof NetworkRefusalError) return unreachable(error.message);
    throw error;
  }
}

export async function sendByEmail(mailer: Mailer | null, mailFrom: string, doc: ReadyDocument): Promise<ChannelResult> {
  if (mailer === null) return unreachable('e-mail is not configured (EFAKTURA_SMTP_URL is unset)');
  const content = doc.invoice.content;
  const to = content.buyer.email;
  if (to === null || to.trim() === '') return unreachable('the customer has no e-mail address');
  const mail = documentMail(content, doc.documentUrl);
  const domain = /@([^>\s]+)>?$/.exec(mailFrom)?.[1] ?? 'efaktura.invalid';
  try {
    const sent = await mailer.send({
      from: mailFrom,
      to,
      replyTo: content.seller.email.trim() === '' ? null : content.seller.email,
      subject: mail.subject,
      text: mail.text,
      messageId: `<document-${doc.invoice.id}.${doc.round}@${domain}>`,
      attachments: [{ filename: mail.filename, content: doc.pdf, contentType: 'application/pdf' }],
    });
    return { outcome: 'delivered', messageId: sent.messageId };
  } catch (error) {
    if (error instanceof MailRejectedError) return unreachable(error.message);
    return failed(`e-mail: ${(error as Error).message}`);
  }
}

export async function writeToOutbox(outbox: Outbox, doc: ReadyDocument): Promise<ChannelResult> {
  try {
    await outbox.write(doc.invoice.merchant_id, doc.invoice.number, { pdf: doc.pdf, ehf: doc.ehf });
    // Recorded relative to the outbox: the merchant sees the attempt, not the server's directories.
    return { outcome: 'delivered', messageId: `${doc.invoice.merchant_id}/${doc.invoice.number}.pdf` };
  } catch (error) {
    return failed((error as Error).message);
  }
}

/** The Peppol participant id of a Norwegian organisation number (EAS 0192). */
const peppolId = (organisationNumber: string) => `0192:${organisationNumber}`;

/**
 * Peppol carries EHF between businesses: a buyer with an organisation number (Send EHF Invoice) is reached at
 * 0192:<orgnr>; a private buyer has no Peppol address and goes to the next channel.
 */
export async function sendByPeppol(accessPoint: PeppolAccessPoint, doc: ReadyDocument): Promise<ChannelResult> {
  const { invoice } = doc;
  const buyer = invoice.content.buyer.organisationNumber;
  if (buyer === null || !/^\d{9}$/.test(buyer)) {
    return unreachable('the customer is not a business (no organisation number), so it has no Peppol address');
  }
  try {
    const sent = await accessPoint.send({
      merchantId: invoice.merchant_id,
      documentNumber: invoice.number,
      kind: invoice.kind,
      senderId: peppolId(invoice.content.seller.organisationNumber),
      receiverId: peppolId(buyer),
      ehf: doc.ehf,
    });
    return { outcome: 'delivered', messageId: sent.messageId };
  } catch (error) {
    return failed(`Peppol: ${(error as Error).message}`);
  }
}

/** Tries one channel by name; an unknown name (a channel removed from the code) cannot reach anyone. */
export function tryChannel(channel: string, channels: DeliveryChannels, mailFrom: string, doc: ReadyDocument): Promise<ChannelResult> {
  switch (channel) {
    case 'peppol':
      return sendByPeppol(channels.peppol, doc);
    case 'efaktura':
      return sendByEfaktura(channels.network, doc);
    case 'email':
      return sendByEmail(channels.mailer, mailFrom, doc);
    case 'file':
      return writeToOutbox(channels.outbox, doc);
    default:
      return Promise.resolve(unreachable(`unknown channel "${channel}"`));
  }
}
