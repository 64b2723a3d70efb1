-- The Peppol delivery channel (issue 11): business buyers (an organisation number) are reached on the
-- Peppol network at 0192:<orgnr>; private buyers are passed on to the next channel. It goes first in the
-- default order, so a business order's EHF goes to Peppol and a private order's invoice to eFaktura.
-- Merchants still on the old default get the new one (peppol passes every private buyer on, so nothing
-- changes for them); a merchant who chose another order keeps it.
ALTER TABLE merchants ALTER COLUMN delivery_channels SET DEFAULT '{peppol,efaktura,email,file}';
UPDATE merchants SET delivery_channels = '{peppol,efaktura,email,file}' WHERE delivery_channels = '{efaktura,email,file}';
