/** The SMTP adapter's classification: 5xx is a refusal (next channel); 4xx and silence are transient. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSmtpMailer } from '../../src/adapters/email/smtp-mailer.ts';
import { MailRejectedError, type MailMessage } from '../../src/app/delivery/ports.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

const message = (to: string): MailMessage => ({
  from: 'efaktura@localhost', to, replyTo: null, subject: 'Faktura 1', text: 'Hei', messageId: '<document-1.1@localhost>',
  attachments: [{ filename: 'Faktura-1.pdf', content: Buffer.from('%PDF-1.7'), contentType: 'application/pdf' }],
});

describe('the SMTP mailer', () => {
  let sink: SmtpSink;
  let silent: net.Server;
  let silentUrl: string;
  const sockets = new Set<net.Socket>();
  before(async () => {
    sink = await startSmtpSink();
    // Accepts connections and never greets: a mail server that hangs.
    silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `smtp://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await sink.close();
  });

  test('a delivered message keeps the Message-ID it was given', async () => {
    const mailer = createSmtpMailer({ url: sink.url, timeoutMs: 2000 });
    const sent = await mailer.send(message('ok@example.test'));
    mailer.close();
    assert.equal(sent.messageId, '<document-1.1@localhost>');
    assert.equal(sink.messages.at(-1)!.messageId, '<document-1.1@localhost>');
  });

  test('an unknown mailbox (550) is a MailRejectedError; a 451 is a plain, transient error', async () => {
    const mailer = createSmtpMailer({ url: sink.url, timeoutMs: 2000 });
    sink.unknownMailboxes.add('nobody@example.test');
    await assert.rejects(mailer.send(message('nobody@example.test')), (e: unknown) => e instanceof MailRejectedError && /SMTP 550/.test(e.message));
    sink.tempFail(1);
    await assert.rejects(mailer.send(message('busy@example.test')), (e: unknown) => !(e instanceof MailRejectedError) && /451/.test((e as Error).message));
    mailer.close();
  });

  test('a server that never answers times out after the configured time, as a transient error', async () => {
    const mailer = createSmtpMailer({ url: silentUrl, timeoutMs: 300 });
    const started = Date.now();
    await assert.rejects(mailer.send(message('x@example.test')), (e: unknown) => !(e instanceof MailRejectedError));
    mailer.close();
    assert.ok(Date.now() - started < 5000, `gave up after ${Date.now() - started} ms`);
  });
});
