-- Business customers (issue 11, Send EHF Invoice): a customer is either a person, identified by its personal
-- number (Send E-Faktura), or a business, identified by its Norwegian organisation number (9 digits, MOD11,
-- checked by the API) — exactly one of the two. One customer per merchant and organisation number, as
-- there is one per merchant and personal number (NULLs never conflict, so persons and businesses coexist).

ALTER TABLE customers ALTER COLUMN personal_number DROP NOT NULL;
ALTER TABLE customers ADD COLUMN organization_number text;
ALTER TABLE customers
  ADD CONSTRAINT customers_one_identity CHECK ((personal_number IS NULL) <> (organization_number IS NULL)),
  ADD CONSTRAINT customers_organization_number_digits CHECK (organization_number ~ '^[0-9]{9}$');
CREATE UNIQUE INDEX customers_merchant_organization_number ON customers (merchant_id, organization_number);
