/**
 * The one example order of FPGO Connect's documentation (SPEC §2.1): the OpenAPI example, the demo
 * banner's curl and the tests all send exactly this body.
 */
export const DOCUMENTED_EXAMPLE = {
  products: { '0': { name: 'Hair Wash', productId: 'VFDDF', quantity: '1', rate: 51, discount: 0, tax: '0', amount: 51 } },
  orderSummary: { subTotal: '51.00', totalTax: '0.00', totalDiscount: '0.00', grandTotal: '51.00' },
  orderDate: '1703040812',
  customerDetails: {
    countryCode: '+47', msisdn: '46567468', email: 'test@yopmail.com', name: 'Kari Nordmann', preferredLanguage: 'en',
    personalNumber: '12345678901', address: { street: 'Luramyrveien 65', zip: '4313', city: 'Sandnes', country: 'NO' },
  },
  invoiceInterval: 0, invoiceMaturity: 10, invoiceFeeApplicable: true, separateInvoices: true,
  referenceNo: null, customerReference: null, callback: { callbackUrl: 'https://example.com/callback-url' },
};

/**
 * Send EHF Invoice's example (FPGO ref §3.1.4, revs 1257–1414): the same order for a business, with
 * `organizationId` in place of `personalNumber`. The docs' "123456789" fails the MOD11 check digit, so a valid
 * number stands in for it.
 */
export const DOCUMENTED_EHF_EXAMPLE = {
  ...DOCUMENTED_EXAMPLE,
  customerDetails: {
    countryCode: '+47', msisdn: '46567468', email: 'faktura@example.no', name: 'Nordmann Consulting AS', preferredLanguage: 'no',
    organizationId: '987654325', address: { street: 'Luramyrveien 65', zip: '4313', city: 'Sandnes', country: 'NO' },
  },
};
