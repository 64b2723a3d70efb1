/**
 * Seller and buyer in the EHF (Peppol BIS Billing 3.0, BG-4 and BG-7).
 *
 * The private-buyer convention. A consumer has no Peppol address, and the 2026.5 artefacts leave one
 * passing choice for the buyer's EndpointID (measured on the official Norwegian example): schemeID `EM`
 * (e-mail) passes CEN but fails Peppol CL008; no EndpointID fails PEPPOL-EN16931-R010; `0192` with a
 * personal number fails PEPPOL-COMMON-R041 (and would leak it). So the EHF of a private customer's
 * invoice is the accounting/archive twin of the PDF, never sent over Peppol, and its buyer EndpointID is
 * the **seller's own** `0192:<orgnr>`: a valid address that routes back to the issuer, never to a stranger.
 * The consumer is identified by name, postal address and, when known, e-mail as the buyer's contact.
 * A business buyer (organisation number) gets a real Peppol invoice addressed to `0192:<its orgnr>`.
 */
import type { DocumentBuyer, DocumentSeller, PostalAddress } from '../../../domain/documents/invoice-document.ts';
import { cac, cbc, type XmlNode } from './ubl-xml.ts';

/** ISO 6523 ICD of Norwegian organisation numbers (Enhetsregisteret). */
export const NORWEGIAN_ORG_SCHEME = '0192';

function postalAddress(party: XmlNode, address: PostalAddress): void {
  const node = cac(party, 'PostalAddress');
  cbc(node, 'StreetName', address.street);
  cbc(node, 'CityName', address.city);
  cbc(node, 'PostalZone', address.zip);
  cbc(cac(node, 'Country'), 'IdentificationCode', address.country);
}

function taxScheme(party: XmlNode, companyId: string, scheme: 'VAT' | 'TAX'): void {
  const node = cac(party, 'PartyTaxScheme');
  cbc(node, 'CompanyID', companyId);
  cbc(cac(node, 'TaxScheme'), 'ID', scheme);
}

export function supplierParty(root: XmlNode, seller: DocumentSeller): void {
  const party = cac(cac(root, 'AccountingSupplierParty'), 'Party');
  cbc(party, 'EndpointID', seller.organisationNumber, { schemeID: NORWEGIAN_ORG_SCHEME });
  cbc(cac(party, 'PartyName'), 'Name', seller.legalName);
  postalAddress(party, seller.address);
  // NO-R-001: "NO" + org number + "MVA" when VAT-registered (BT-31).
  if (seller.vatRegistered) taxScheme(party, `NO${seller.organisationNumber}MVA`, 'VAT');
  // NO-R-002: an AS/ASA/NUF states "Foretaksregisteret" (BT-32, foretaksregisterloven §10-2).
  if (seller.inForetaksregisteret) taxScheme(party, 'Foretaksregisteret', 'TAX');
  const legal = cac(party, 'PartyLegalEntity');
  cbc(legal, 'RegistrationName', seller.legalName);
  cbc(legal, 'CompanyID', seller.organisationNumber, { schemeID: NORWEGIAN_ORG_SCHEME });
  // A merchant may have no contact e-mail set; an empty element is fatal (PEPPOL-EN16931-R008), so leave it out.
  if (seller.email) cbc(cac(party, 'Contact'), 'ElectronicMail', seller.email);
}

export function customerParty(root: XmlNode, buyer: DocumentBuyer, seller: DocumentSeller): void {
  const party = cac(cac(root, 'AccountingCustomerParty'), 'Party');
  const endpoint = buyer.organisationNumber ?? seller.organisationNumber;
  cbc(party, 'EndpointID', endpoint, { schemeID: NORWEGIAN_ORG_SCHEME });
  cbc(cac(party, 'PartyName'), 'Name', buyer.name);
  postalAddress(party, buyer.address);
  const legal = cac(party, 'PartyLegalEntity');
  cbc(legal, 'RegistrationName', buyer.name);
  if (buyer.organisationNumber) cbc(legal, 'CompanyID', buyer.organisationNumber, { schemeID: NORWEGIAN_ORG_SCHEME });
  if (buyer.email) cbc(cac(party, 'Contact'), 'ElectronicMail', buyer.email);
}
