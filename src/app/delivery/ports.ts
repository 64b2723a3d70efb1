/**
 * The delivery channels' ports (SPEC §6.5): what the delivery use case needs from the outside world.
 * The composition root (server.ts) plugs in the adapters: adapters/efaktura-network (the eFaktura
 * network, by default through the simulator's protocol, docs/efaktura-network.md), adapters/email (SMTP)
 * and adapters/file-outbox.
 *
 * Words:
 * - reachable: the channel can get this document to this customer (eFaktura consent, an e-mail address…).
 * - transient failure: the channel may work on a later try (timeout, 5xx, SMTP 4xx): retried with backoff.
 * - refusal: the channel answered that it will not take this document (no consent, unknown mailbox):
 *   the next channel is tried at once.
 */

// ---------------------------------------------------------------------------------------------------
// The eFaktura network (Mastercard Payment Services' issuer services, or the simulator).

export type RecipientStatus = 'reachable' | 'no_consent' | 'blocked';

export interface NetworkInvoice {
  invoiceNumber: string;
  socialSecurityNumber: string;
  documentType: 'invoice' | 'reminder' | 'collection_notice';
  kid: string;
  /** Kroner with two decimals, "1234.50". */
  amount: string;
  dueDate: string;
  accountNumber: string;
  /** Where the bank fetches the document the customer sees (the signed /d/ link). */
  documentUrl: string;
}

export interface Consignment {
  /** Chosen by the caller and derived from the delivery, so a repeated send is recognised (209). */
  consignmentId: string;
  issuerOrgNumber: string;
  issuerName: string;
  invoices: NetworkInvoice[];
}

export interface ConsignmentResult {
  consignmentId: string;
  /** True when the network had this consignment already (209) and this is its stored result. */
  duplicate: boolean;
  invoices: Array<{ invoiceNumber: string; status: 'accepted' | 'rejected'; errorCode?: number; message?: string }>;
}

/** The network could not be asked (5xx, timeout, connection refused): try again later. */
export class NetworkUnavailableError extends Error {
  override name = 'NetworkUnavailableError';
}

/** The network refused the request (a 4xx with one of its error codes); asking again changes nothing. */
export class NetworkRefusalError extends Error {
  override name = 'NetworkRefusalError';
  readonly errorCode: number;
  readonly httpStatus: number;
  constructor(errorCode: number, httpStatus: number, message: string) {
    super(message);
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
  }
}

/** The eFaktura network; every method throws NetworkUnavailableError or NetworkRefusalError. */
export interface EfakturaNetwork {
  lookupRecipient(personalNumber: string, issuerOrgNumber: string): Promise<RecipientStatus>;
  /** Sends a consignment; a consignment id sent before answers its stored result (`duplicate`). */
  sendInvoices(consignment: Consignment): Promise<ConsignmentResult>;
  /** The stored result of a consignment, or null when the network does not know it. */
  consignmentStatus(consignmentId: string): Promise<ConsignmentResult | null>;
  /** Cancels an invoice sent before; refusals: 5004 not found, 5005 paid, 5006 already cancelled. */
  cancelInvoice(issuerOrgNumber: string, invoiceNumber: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// E-mail.

export interface MailMessage {
  from: string;
  to: string;
  replyTo: string | null;
  subject: string;
  text: string;
  /** Set by the caller and stable per delivery chain, so a repeat is recognisable in a mailbox. */
  messageId: string;
  attachments: Array<{ filename: string; content: Buffer; contentType: string }>;
}

/** The mail server refused the message for good (SMTP 5xx, e.g. unknown mailbox): try the next channel. */
export class MailRejectedError extends Error {
  override name = 'MailRejectedError';
}

/** Sends one message; throws MailRejectedError for a 5xx, any other error is transient (4xx, timeout). */
export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}

// ---------------------------------------------------------------------------------------------------
// The file outbox.

/**
 * Writes a document's files where the print/archive hand-off picks them up; throws when it cannot. The name
 * is the document number, or `<number>-reminder` / `<number>-notice` for a dunning step, which has no EHF.
 */
export interface Outbox {
  write(merchantId: number, name: number | string, files: { pdf: Buffer; ehf?: Buffer }): Promise<{ pdfPath: string; ehfPath: string | null }>;
}

// ---------------------------------------------------------------------------------------------------
// Peppol (business buyers).

/** One EHF document for the Peppol network, addressed by participant ids (`0192:<orgnr>`). */
export interface PeppolDocument {
  merchantId: number;
  documentNumber: number;
  kind: 'invoice' | 'credit_note';
  senderId: string;
  receiverId: string;
  ehf: Buffer;
}

/**
 * A Peppol access point: takes an EHF for the network (SML/SMP lookup and AS4 transport are its job).
 * Throws when it cannot take it now (retried); returns its message id.
 */
export interface PeppolAccessPoint {
  send(document: PeppolDocument): Promise<{ messageId: string }>;
}

/** Everything the delivery use case is given. */
export interface DeliveryChannels {
  /** The Peppol access point (by default the `peppol/` folder of the file outbox). */
  peppol: PeppolAccessPoint;
  network: EfakturaNetwork;
  /** Null when no SMTP server is configured: the e-mail channel is skipped. */
  mailer: Mailer | null;
  outbox: Outbox;
}
