import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { REMINDER_FEE_CAP_ORE, validateMerchantSettings } from '../../../src/domain/invoicing/merchant-settings.ts';

const minimal = {
  legalName: 'Kari Hår AS', orgNumber: '923609016', street: 'Luramyrveien 65', zip: '4313', city: 'Sandnes',
  accountNumber: '15032080119',
};

describe('validateMerchantSettings', () => {
  test('the required settings alone are valid, with the SPEC §6.1 defaults', () => {
    assert.deepEqual(validateMerchantSettings(minimal), {
      ok: true,
      value: {
        ...minimal, vatRegistered: false, foretaksregisteret: false, contactEmail: null, invoiceFeeOre: 0,
        invoiceFeeVatRate: '25', kidCheck: 'mod10', reminderFeeOre: 3500, deliveryChannels: ['peppol', 'efaktura', 'email', 'file'],
        firstInvoiceNumber: 1,
      },
    });
  });

  test('every setting given is kept, numbers written with spaces and dots are normalized', () => {
    const result = validateMerchantSettings({
      ...minimal, orgNumber: '923 609 016', accountNumber: '1503.20.80119', vatRegistered: true, foretaksregisteret: true,
      contactEmail: ' faktura@karihaar.no ', invoiceFeeOre: 2900, invoiceFeeVatRate: 0, kidCheck: 'mod11', reminderFeeOre: 0,
      deliveryChannels: 'email, efaktura', firstInvoiceNumber: 1001,
    });
    assert.ok(result.ok);
    assert.deepEqual(result.value, {
      ...minimal, vatRegistered: true, foretaksregisteret: true, contactEmail: 'faktura@karihaar.no', invoiceFeeOre: 2900,
      invoiceFeeVatRate: '0', kidCheck: 'mod11', reminderFeeOre: 0, deliveryChannels: ['email', 'efaktura'], firstInvoiceNumber: 1001,
    });
  });

  test('no account number: refused, since the invoice could not be paid', () => {
    const result = validateMerchantSettings({ ...minimal, accountNumber: undefined });
    assert.deepEqual(result, { ok: false, errors: ['The account number is required.'], fieldErrors: { accountNumber: ['The account number is required.'] } });
  });

  test('every problem is reported at once, keyed by field', () => {
    const result = validateMerchantSettings({
      legalName: ' ', orgNumber: '923609017', street: 'Gate 1', zip: '431', city: 'Sandnes', accountNumber: '15032080118',
      vatRegistered: 'yes', contactEmail: 'not-an-address', invoiceFeeOre: -1, invoiceFeeVatRate: 24, kidCheck: 'luhn',
      reminderFeeOre: 3501, deliveryChannels: ['email', 'email'], firstInvoiceNumber: 0, colour: 'red',
    });
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.deepEqual(Object.keys(result.fieldErrors).sort(), [
      'accountNumber', 'colour', 'contactEmail', 'deliveryChannels', 'firstInvoiceNumber', 'invoiceFeeOre', 'invoiceFeeVatRate',
      'kidCheck', 'legalName', 'orgNumber', 'reminderFeeOre', 'vatRegistered', 'zip',
    ]);
    assert.deepEqual(result.fieldErrors.orgNumber, ['The organisation number must be 9 digits with a valid MOD11 check digit; "923609017" is not.']);
    assert.deepEqual(result.fieldErrors.reminderFeeOre, ['The reminder fee must not exceed 3500 øre, the legal cap on reminder fees (35 kr).']);
    assert.deepEqual(result.fieldErrors.colour, ['colour is not an invoice setting.']);
    assert.equal(result.errors.length, 13);
  });

  test('the reminder fee cap is 35 kr, inclusive', () => {
    assert.equal(REMINDER_FEE_CAP_ORE, 3500);
    assert.equal(validateMerchantSettings({ ...minimal, reminderFeeOre: 3500 }).ok, true);
    assert.equal(validateMerchantSettings({ ...minimal, reminderFeeOre: 3501 }).ok, false);
  });

  test('fees are whole øre: fractions and strings are refused', () => {
    for (const invoiceFeeOre of [10.5, '2900', Number.NaN, 2 ** 60]) {
      assert.equal(validateMerchantSettings({ ...minimal, invoiceFeeOre }).ok, false, String(invoiceFeeOre));
    }
  });

  test('delivery channels: known names only, at least one, order kept', () => {
    const fieldErrors = (deliveryChannels: unknown) => {
      const r = validateMerchantSettings({ ...minimal, deliveryChannels });
      return r.ok ? r.value.deliveryChannels : r.fieldErrors.deliveryChannels;
    };
    assert.deepEqual(fieldErrors(['file', 'efaktura']), ['file', 'efaktura']);
    assert.deepEqual(fieldErrors(['sms']), ['Unknown delivery channel "sms"; the channels are peppol, efaktura, email, file.']);
    assert.deepEqual(fieldErrors([]), ['The delivery channels must be a non-empty list of peppol, efaktura, email, file.']);
    assert.deepEqual(fieldErrors('file,file'), ['Each delivery channel may be listed once.']);
  });

  test('the first invoice number fits the 8 digits of the KID', () => {
    assert.equal(validateMerchantSettings({ ...minimal, firstInvoiceNumber: 99_999_999 }).ok, true);
    assert.equal(validateMerchantSettings({ ...minimal, firstInvoiceNumber: 100_000_000 }).ok, false);
  });

  test('a non-object is refused with one message', () => {
    assert.deepEqual(validateMerchantSettings(null), { ok: false, errors: ['The settings must be an object.'], fieldErrors: { '': ['The settings must be an object.'] } });
  });

  test('property: whatever the input, an answer without throwing; valid answers keep the fee under the cap', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()));
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...Object.keys(minimal), 'reminderFeeOre', 'deliveryChannels', 'x'), value), (patch) => {
      const result = validateMerchantSettings({ ...minimal, ...patch });
      return result.ok ? result.value.reminderFeeOre <= REMINDER_FEE_CAP_ORE && result.value.deliveryChannels.length > 0 : result.errors.length > 0;
    }));
  });
});
