/**
 * The e-mail channel's sender: nodemailer over SMTP (EFAKTURA_SMTP_URL, e.g. smtp://user:pass@host:587 or
 * smtps://…). A 5xx reply is permanent (unknown mailbox, refused): MailRejectedError, and the next channel
 * is tried; a 4xx, a timeout or a connection error is transient and retried.
 */
import nodemailer from 'nodemailer';
import { MailRejectedError, type Mailer, type MailMessage } from '../../app/delivery/ports.ts';

export interface SmtpMailerOptions {
  url: string;
  timeoutMs: number;
}

export function createSmtpMailer(options: SmtpMailerOptions): Mailer & { close(): void } {
  // The object form with `url`: the second argument of createTransport is message defaults, not options.
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(message: MailMessage) {
      try {
        const info = await transport.sendMail({
          from: message.from,
          to: message.to,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          subject: message.subject,
          text: message.text,
          messageId: message.messageId,
          attachments: message.attachments,
        });
        return { messageId: info.messageId || message.messageId };
      } catch (error) {
        const e = error as Error & { responseCode?: number; response?: string; code?: string };
        const reply = e.response ?? e.message;
        if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
          throw new MailRejectedError(`SMTP ${e.responseCode}: ${reply}`);
        }
        const what = typeof e.responseCode === 'number' ? `SMTP ${e.responseCode}: ${reply}` : `${e.code ?? 'SMTP error'}: ${e.message}`;
        throw new Error(what);
      }
    },
    close() {
      transport.close();
    },
  };
}
