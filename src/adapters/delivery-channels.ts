/**
 * The delivery channels' adapters as configured (SPEC §6.5): the eFaktura network adapter chosen by
 * EFAKTURA_EFAKTURA_ADAPTER, SMTP when EFAKTURA_SMTP_URL is set, the file outbox, and the Peppol access
 * point (the outbox's peppol/ folder: the real network needs an access point agreement). Called by the
 * composition root (server.ts). A real network adapter (the bank's issuer services) plugs in here.
 */
import type { DeliveryChannels } from '../app/delivery/ports.ts';
import type { Config } from '../config.ts';
import { createSmtpMailer } from './email/smtp-mailer.ts';
import { createSimulatorNetwork } from './efaktura-network/simulator-network.ts';
import { createFileOutbox } from './file-outbox/file-outbox.ts';
import { createOutboxAccessPoint } from './peppol/outbox-access-point.ts';

export function createDeliveryChannels(config: Config): DeliveryChannels & { close(): void } {
  const mailer = config.smtpUrl === null ? null : createSmtpMailer({ url: config.smtpUrl, timeoutMs: config.deliveryTimeoutMs });
  return {
    peppol: createOutboxAccessPoint(config.outboxDir),
    network: createSimulatorNetwork({ baseUrl: config.simulatorUrl, timeoutMs: config.deliveryTimeoutMs }),
    mailer,
    outbox: createFileOutbox(config.outboxDir),
    close() {
      mailer?.close();
    },
  };
}
