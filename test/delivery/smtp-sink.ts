/** A real SMTP server for the e-mail channel's tests (smtp-server), with what arrived parsed (mailparser). */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface SmtpSink {
  url: string;
  messages: ParsedMail[];
  /** Recipients answered 550 (unknown mailbox). */
  unknownMailboxes: Set<string>;
  /** The next `n` messages are answered 451 (try again later). */
  tempFail(n: number): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const unknownMailboxes = new Set<string>();
  let tempFailures = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (unknownMailboxes.has(address.address)) {
        const error = Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 });
        return callback(error);
      }
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        if (tempFailures > 0) {
          tempFailures--;
          return callback(Object.assign(new Error('4.3.0 Try again later'), { responseCode: 451 }));
        }
        messages.push(await simpleParser(Buffer.concat(chunks)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    unknownMailboxes,
    tempFail(n) {
      tempFailures = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
