import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {
  createOrderBodySchema, defaultCreateOrderPolicy, parseOrderDate, validateCreateOrder,
} from '../../../src/api/validation/create-order.ts';
import type { CreateOrderPolicy, ValidatedOrder } from '../../../src/api/validation/create-order.ts';
import { exampleOrder } from '../../fixtures/example-order.ts';
import type { JsonObject } from '../../fixtures/example-order.ts';

const DELETE = Symbol('delete');

/** The documented example with `path` set to `value` (or removed with DELETE). */
function exampleWith(path: string, value: unknown, productsAs: 'array' | 'object' = 'array'): JsonObject {
  const body = exampleOrder({ productsAs });
  const keys = path.split('.');
  const last = keys.pop()!;
  let node: JsonObject = body;
  for (const key of keys) node = node[key];
  if (value === DELETE) delete node[last];
  else node[last] = value;
  return body;
}

function accepted(body: unknown, policy?: CreateOrderPolicy): ValidatedOrder {
  const result = validateCreateOrder(body, policy);
  if (!result.ok) assert.fail(`expected the body to be accepted, got ${JSON.stringify(result.errors)}`);
  return result.value;
}

/** Asserts the body is refused with exactly these messages, each under `path`. */
function refused(body: unknown, path: string, ...messages: string[]): void {
  const result = validateCreateOrder(body);
  assert.equal(result.ok, false, 'expected the body to be refused');
  if (result.ok) return;
  assert.deepEqual(result.errors, messages);
  assert.deepEqual(result.fieldErrors, { [path]: messages });
}

const invalid = (path: string, value: unknown, message: string) => refused(exampleWith(path, value), path, message);

describe('the documented example payload', () => {
  for (const productsAs of ['array', 'object'] as const) {
    test(`is accepted with products as ${productsAs === 'array' ? 'a JSON array' : 'an object keyed "0"'}`, () => {
      assert.deepEqual(accepted(exampleOrder({ productsAs })), {
        products: [{
          position: 0, name: 'Hair Wash', productId: 'VFDDF', quantity: '1', rateOre: 5100, discountOre: 0, taxRate: '0',
          amountOre: 5100, vatOre: 0,
        }],
        summary: { subTotalOre: 5100, totalTaxOre: 0, totalDiscountOre: 0, grandTotalOre: 5100 },
        orderDate: 1703040812,
        customer: {
          countryCode: '+47', msisdn: '46567468', email: 'test@yopmail.com', name: 'Kari Nordmann', preferredLanguage: 'en',
          personalNumber: '12345678901', address: { street: 'Luramyrveien 65', zip: '4313', city: 'Sandnes', country: 'NO' },
        },
        invoiceInterval: 0,
        invoiceMaturity: 10,
        invoiceFeeApplicable: true,
        separateInvoices: true,
        referenceNo: null,
        customerReference: null,
        callbackUrl: 'https://example.com/callback-url',
      });
    });
  }

  test('is the example in the published JSON Schema', () => {
    assert.deepEqual((createOrderBodySchema.examples as unknown[])[0], exampleOrder({ productsAs: 'object' }));
  });

  test('the published JSON Schema is valid draft 2020-12 and accepts both encodings', () => {
    const ajv = new Ajv2020.default({ strict: true, allowUnionTypes: true });
    addFormats.default(ajv);
    const check = ajv.compile(createOrderBodySchema);
    assert.equal(check(exampleOrder({ productsAs: 'array' })), true);
    assert.equal(check(exampleOrder({ productsAs: 'object' })), true);
    assert.equal(check(exampleWith('customerDetails.personalNumber', '123')), false);
  });

  test('unknown fields are ignored', () => {
    const body = exampleWith('somethingNew', { nested: true });
    body.customerDetails.type = 'private';
    assert.equal(accepted(body).customer.name, 'Kari Nordmann');
  });
});

describe('products', () => {
  test('is required', () => refused(exampleWith('products', DELETE), 'products', 'The products field is required.'));
  test('an empty list counts as missing', () => invalid('products', [], 'The products field is required.'));
  test('must be a list', () => invalid('products', 'Hair Wash', 'The products must be an array.'));
  test('an object must be keyed "0".."n-1"', () => {
    const line = exampleOrder({ productsAs: 'array' }).products[0];
    invalid('products', { 1: line }, 'The products must be an array.');
    invalid('products', { first: line }, 'The products must be an array.');
  });

  test('accepts 500 lines and refuses 501', () => {
    const lines = (n: number) => Array.from({ length: n }, () => ({ name: 'x', quantity: 1, rate: 1, tax: 0, amount: 1 }));
    const body = exampleWith('products', lines(500));
    body.orderSummary = { subTotal: 500, totalTax: 0, totalDiscount: 0, grandTotal: 500 };
    assert.equal(accepted(body).products.length, 500);
    body.products = lines(501);
    refused(body, 'products', 'The products must not have more than 500 items.');
  });

  test('each line must be an object', () => {
    const result = validateCreateOrder(exampleWith('products', ['Hair Wash']));
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual(result.errors.slice(0, 2), ['The products.0 must be an array.', 'The products.0.name field is required.']);
  });
});

describe('products.*.name', () => {
  test('is required', () => invalid('products.0.name', DELETE, 'The products.0.name field is required.'));
  test('a blank name counts as missing', () => invalid('products.0.name', '   ', 'The products.0.name field is required.'));
  test('must be a string', () => invalid('products.0.name', 5, 'The products.0.name must be a string.'));
  test('at most 255 characters', () => {
    assert.equal(accepted(exampleWith('products.0.name', 'n'.repeat(255))).products[0]?.name.length, 255);
    invalid('products.0.name', 'n'.repeat(256), 'The products.0.name must not be greater than 255 characters.');
  });
  test('is trimmed', () => assert.equal(accepted(exampleWith('products.0.name', '  Hair Wash ')).products[0]?.name, 'Hair Wash'));
});

describe('products.*.productId', () => {
  test('is optional and nullable', () => {
    assert.equal(accepted(exampleWith('products.0.productId', DELETE)).products[0]?.productId, null);
    assert.equal(accepted(exampleWith('products.0.productId', null)).products[0]?.productId, null);
  });
  test('must be a string', () => invalid('products.0.productId', 5, 'The products.0.product id must be a string.'));
  test('at most 25 characters', () => {
    accepted(exampleWith('products.0.productId', 'p'.repeat(25)));
    invalid('products.0.productId', 'p'.repeat(26), 'The products.0.product id must not be greater than 25 characters.');
  });
});

describe('products.*.quantity', () => {
  const withQuantity = (quantity: unknown, rate: unknown, amount: unknown, grand: string) => {
    const body = exampleWith('products.0.quantity', quantity);
    body.products[0].rate = rate;
    body.products[0].amount = amount;
    Object.assign(body.orderSummary, { subTotal: grand, grandTotal: grand });
    return body;
  };
  test('is required', () => invalid('products.0.quantity', DELETE, 'The products.0.quantity field is required.'));
  test('must be a number', () => invalid('products.0.quantity', 'one', 'The products.0.quantity must be a number.'));
  test('must be greater than 0', () => {
    invalid('products.0.quantity', '0', 'The products.0.quantity must be greater than 0.');
    invalid('products.0.quantity', -1, 'The products.0.quantity must be greater than 0.');
  });
  test('may be fractional with up to 4 decimals', () => {
    const order = accepted(withQuantity('1.5000', '100', '150', '150.00'));
    assert.equal(order.products[0]?.quantity, '1.5');
    assert.equal(order.products[0]?.amountOre, 15000);
    accepted(withQuantity(0.0001, 10000, 1, '1.00'));
    invalid('products.0.quantity', '1.00001', 'The products.0.quantity must not have more than 4 decimal places.');
  });
  test('at most 1000000000', () => invalid('products.0.quantity', '1000000001', 'The products.0.quantity must not be greater than 1000000000.'));
});

describe('products.*.rate', () => {
  test('is required', () => invalid('products.0.rate', DELETE, 'The products.0.rate field is required.'));
  test('must be a number', () => invalid('products.0.rate', [51], 'The products.0.rate must be a number.'));
  test('accepts a decimal string', () => assert.equal(accepted(exampleWith('products.0.rate', '51.00')).products[0]?.rateOre, 5100));
  test('must not be negative', () => invalid('products.0.rate', '-51', 'The products.0.rate must be greater than or equal to 0.'));
  test('has at most 2 decimals', () => invalid('products.0.rate', '51.001', 'The products.0.rate must not have more than 2 decimal places.'));
  test('at most 1000000000 NOK', () => invalid('products.0.rate', 1000000000.01, 'The products.0.rate must not be greater than 1000000000.'));
});

describe('products.*.discount', () => {
  test('is optional and nullable (0 øre)', () => {
    assert.equal(accepted(exampleWith('products.0.discount', DELETE)).products[0]?.discountOre, 0);
    assert.equal(accepted(exampleWith('products.0.discount', null)).products[0]?.discountOre, 0);
    assert.equal(accepted(exampleWith('products.0.discount', '')).products[0]?.discountOre, 0);
  });
  test('must be a number', () => invalid('products.0.discount', 'none', 'The products.0.discount must be a number.'));
  test('must not be negative', () => invalid('products.0.discount', -1, 'The products.0.discount must be greater than or equal to 0.'));
  test('has at most 2 decimals', () => invalid('products.0.discount', '0.001', 'The products.0.discount must not have more than 2 decimal places.'));
  test('comes off the line total', () => {
    const body = exampleWith('products.0.discount', '1.00');
    body.products[0].amount = '50.00';
    Object.assign(body.orderSummary, { subTotal: '50.00', totalDiscount: '1.00', grandTotal: '50.00' });
    const order = accepted(body);
    assert.equal(order.products[0]?.amountOre, 5000);
    assert.equal(order.summary.totalDiscountOre, 100);
  });
  test('must not exceed quantity × rate', () =>
    invalid('products.0.discount', 52, 'The products.0.discount must not be greater than 51.00 (quantity × rate).'));
});

describe('products.*.tax', () => {
  const at25 = (tax: unknown) => {
    const body = exampleWith('products.0.tax', tax);
    Object.assign(body.orderSummary, { subTotal: '40.80', totalTax: '10.20' });
    return body;
  };
  test('is required', () => invalid('products.0.tax', DELETE, 'The products.0.tax field is required.'));
  test('must be a number', () => invalid('products.0.tax', 'MVA', 'The products.0.tax must be a number.'));
  test('must be a rate the merchant allows', () => invalid('products.0.tax', '13', 'The selected products.0.tax is invalid.'));
  test('is compared by value, whatever its spelling', () => {
    for (const tax of [25, '25', '25.00', ' 25 ']) assert.equal(accepted(at25(tax)).products[0]?.taxRate, '25');
  });
  test("follows the merchant's policy", () => {
    const policy = { ...defaultCreateOrderPolicy, allowedTaxRates: ['11.11'] };
    const body = exampleWith('products.0.tax', '11.11');
    Object.assign(body.orderSummary, { subTotal: '45.90', totalTax: '5.10' });
    assert.equal(accepted(body, policy).products[0]?.vatOre, 510);
    assert.equal(validateCreateOrder(exampleOrder(), policy).ok, false);
  });
});

describe('products.*.amount', () => {
  test('is required', () => invalid('products.0.amount', DELETE, 'The products.0.amount field is required.'));
  test('must be a number', () => invalid('products.0.amount', true, 'The products.0.amount must be a number.'));
  test('has at most 2 decimals', () => invalid('products.0.amount', '51.001', 'The products.0.amount must not have more than 2 decimal places.'));
  test('must not be negative', () => invalid('products.0.amount', -51, 'The products.0.amount must be greater than or equal to 0.'));
});

describe('orderSummary', () => {
  test('is required, and so is each figure', () => {
    const result = validateCreateOrder(exampleWith('orderSummary', DELETE));
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual(result.errors, [
      'The order summary field is required.',
      'The order summary.sub total field is required.',
      'The order summary.total tax field is required.',
      'The order summary.total discount field is required.',
      'The order summary.grand total field is required.',
    ]);
  });
  for (const [key, words] of [['subTotal', 'sub total'], ['totalTax', 'total tax'], ['totalDiscount', 'total discount'], ['grandTotal', 'grand total']]) {
    test(`${key} is a required money value`, () => {
      invalid(`orderSummary.${key}`, DELETE, `The order summary.${words} field is required.`);
      invalid(`orderSummary.${key}`, 'lots', `The order summary.${words} must be a number.`);
      invalid(`orderSummary.${key}`, '0.001', `The order summary.${words} must not have more than 2 decimal places.`);
    });
  }
});

describe('orderDate', () => {
  test('is required', () => invalid('orderDate', DELETE, 'The order date field is required.'));
  test('accepts Unix seconds as a string or an integer', () => {
    assert.equal(accepted(exampleWith('orderDate', '1703040812')).orderDate, 1703040812);
    assert.equal(accepted(exampleWith('orderDate', 1703040812)).orderDate, 1703040812);
  });
  test('accepts the older "d M, Y" format as midnight in Oslo', () => {
    assert.equal(accepted(exampleWith('orderDate', '5 Dec, 2023')).orderDate, Date.UTC(2023, 11, 4, 23) / 1000);
    assert.equal(parseOrderDate('07 Apr, 2024'), Date.UTC(2024, 3, 6, 22) / 1000); // summer time
    assert.equal(parseOrderDate('31 Mar, 2024'), Date.UTC(2024, 2, 30, 23) / 1000); // the day summer time starts
    assert.equal(parseOrderDate('27 Oct, 2024'), Date.UTC(2024, 9, 26, 22) / 1000); // the day it ends
  });
  test('refuses anything else', () => {
    for (const value of ['yesterday', '31 Feb, 2024', '1703040812000', 1703040812000, -1, 1703040812.5, '2023-12-20', true]) {
      invalid('orderDate', value, 'The order date must be a valid Unix timestamp.');
    }
  });
});

describe('customerDetails', () => {
  test('is required, and so are its required fields', () => {
    const result = validateCreateOrder(exampleWith('customerDetails', DELETE));
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual(result.errors, [
      'The customer details field is required.',
      'The customer details.country code field is required.',
      'The customer details.msisdn field is required.',
      'The customer details.email field is required.',
      'The customer details.name field is required.',
      'The customer details.personal number field is required.',
      'The customer details.address field is required.',
      'The customer details.address.street field is required.',
      'The customer details.address.zip field is required.',
      'The customer details.address.city field is required.',
      'The customer details.address.country field is required.',
    ]);
  });
  test('must be an object', () => {
    const result = validateCreateOrder(exampleWith('customerDetails', 'Kari'));
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual(result.fieldErrors.customerDetails, ['The customer details must be an array.']);
  });

  test('countryCode is "+" and 1–4 digits', () => {
    invalid('customerDetails.countryCode', DELETE, 'The customer details.country code field is required.');
    invalid('customerDetails.countryCode', 47, 'The customer details.country code must be a string.');
    invalid('customerDetails.countryCode', '47', 'The customer details.country code format is invalid.');
    invalid('customerDetails.countryCode', '+12345', 'The customer details.country code format is invalid.');
    accepted(exampleWith('customerDetails.countryCode', '+1'));
  });

  test('msisdn is a string of 4–15 digits', () => {
    invalid('customerDetails.msisdn', DELETE, 'The customer details.msisdn field is required.');
    invalid('customerDetails.msisdn', 46567468, 'The customer details.msisdn must be a string.');
    invalid('customerDetails.msisdn', '123', 'The customer details.msisdn must be between 4 and 15 digits.');
    invalid('customerDetails.msisdn', '1234567890123456', 'The customer details.msisdn must be between 4 and 15 digits.');
    invalid('customerDetails.msisdn', '465 67 468', 'The customer details.msisdn must be between 4 and 15 digits.');
    accepted(exampleWith('customerDetails.msisdn', '1234'));
  });

  test('email must be a valid address', () => {
    invalid('customerDetails.email', DELETE, 'The customer details.email field is required.');
    invalid('customerDetails.email', 'test@', 'The customer details.email must be a valid email address.');
    invalid('customerDetails.email', 42, 'The customer details.email must be a valid email address.');
  });

  test('name is a string of at most 255 characters', () => {
    invalid('customerDetails.name', DELETE, 'The customer details.name field is required.');
    invalid('customerDetails.name', ['Kari'], 'The customer details.name must be a string.');
    invalid('customerDetails.name', 'K'.repeat(256), 'The customer details.name must not be greater than 255 characters.');
  });

  test('preferredLanguage is optional, one of en/no/sv/da/de, default no', () => {
    assert.equal(accepted(exampleWith('customerDetails.preferredLanguage', DELETE)).customer.preferredLanguage, 'no');
    for (const lang of ['en', 'no', 'sv', 'da', 'de']) {
      assert.equal(accepted(exampleWith('customerDetails.preferredLanguage', lang)).customer.preferredLanguage, lang);
    }
    invalid('customerDetails.preferredLanguage', 'fr', 'The selected customer details.preferred language is invalid.');
  });

  test('personalNumber is exactly 11 digits, no spaces', () => {
    invalid('customerDetails.personalNumber', DELETE, 'The customer details.personal number field is required.');
    for (const bad of ['1234567890', '123456789012', '123456 78901', '1234567890a', 1234567890]) {
      invalid('customerDetails.personalNumber', bad, 'The customer details.personal number must be 11 digits.');
    }
    assert.equal(accepted(exampleWith('customerDetails.personalNumber', 12345678901)).customer.personalNumber, '12345678901');
  });

  test('address is required and must be an object', () => {
    const result = validateCreateOrder(exampleWith('customerDetails.address', 'Luramyrveien 65'));
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual(result.errors, [
      'The customer details.address must be an array.',
      'The customer details.address.street field is required.',
      'The customer details.address.zip field is required.',
      'The customer details.address.city field is required.',
      'The customer details.address.country field is required.',
    ]);
  });

  for (const [key, sample] of [['street', 'Luramyrveien 65'], ['zip', '4313'], ['city', 'Sandnes']] as const) {
    test(`address.${key} is a required string`, () => {
      invalid(`customerDetails.address.${key}`, DELETE, `The customer details.address.${key} field is required.`);
      invalid(`customerDetails.address.${key}`, 4313, `The customer details.address.${key} must be a string.`);
      invalid(`customerDetails.address.${key}`, 'x'.repeat(256), `The customer details.address.${key} must not be greater than 255 characters.`);
      assert.equal(accepted(exampleWith(`customerDetails.address.${key}`, ` ${sample} `)).customer.address[key], sample);
    });
  }

  test('address.country is an assigned ISO 3166-1 alpha-2 code, any case, stored upper-case', () => {
    invalid('customerDetails.address.country', DELETE, 'The customer details.address.country field is required.');
    for (const bad of ['XX', 'ZZ', 'NOR', 'Norway', 'EU']) {
      invalid('customerDetails.address.country', bad, 'The selected customer details.address.country is invalid.');
    }
    invalid('customerDetails.address.country', 47, 'The customer details.address.country must be a string.');
    assert.equal(accepted(exampleWith('customerDetails.address.country', 'se')).customer.address.country, 'SE');
  });
});

describe('invoice options', () => {
  test('invoiceInterval is optional, 0/1/2, default 0', () => {
    assert.equal(accepted(exampleWith('invoiceInterval', DELETE)).invoiceInterval, 0);
    assert.equal(accepted(exampleWith('invoiceInterval', '2')).invoiceInterval, 2);
    invalid('invoiceInterval', 3, 'The selected invoice interval is invalid.');
    invalid('invoiceInterval', 1.5, 'The invoice interval must be an integer.');
  });

  test("invoiceMaturity is optional, one of the merchant's days, default 10", () => {
    assert.equal(accepted(exampleWith('invoiceMaturity', DELETE)).invoiceMaturity, 10);
    assert.equal(accepted(exampleWith('invoiceMaturity', 0)).invoiceMaturity, 0);
    invalid('invoiceMaturity', 14, 'The selected invoice maturity is invalid.');
    invalid('invoiceMaturity', 'ten', 'The invoice maturity must be an integer.');
    const policy = { ...defaultCreateOrderPolicy, allowedMaturityDays: [14, 30] };
    assert.equal(accepted(exampleWith('invoiceMaturity', 30), policy).invoiceMaturity, 30);
    assert.equal(accepted(exampleWith('invoiceMaturity', DELETE), policy).invoiceMaturity, 14); // 10 not allowed: first allowed
  });

  test('invoiceFeeApplicable is a required boolean', () => {
    invalid('invoiceFeeApplicable', DELETE, 'The invoice fee applicable field is required.');
    invalid('invoiceFeeApplicable', 'yes', 'The invoice fee applicable field must be true or false.');
    assert.equal(accepted(exampleWith('invoiceFeeApplicable', '0')).invoiceFeeApplicable, false);
    assert.equal(accepted(exampleWith('invoiceFeeApplicable', false)).invoiceFeeApplicable, false);
  });

  test('separateInvoices is an optional boolean, default true', () => {
    assert.equal(accepted(exampleWith('separateInvoices', DELETE)).separateInvoices, true);
    assert.equal(accepted(exampleWith('separateInvoices', 'false')).separateInvoices, false);
    invalid('separateInvoices', 2, 'The separate invoices field must be true or false.');
  });

  for (const [key, words] of [['referenceNo', 'reference no'], ['customerReference', 'customer reference']] as const) {
    test(`${key} is an optional string of at most 255 characters`, () => {
      assert.equal(accepted(exampleWith(key, DELETE))[key], null);
      assert.equal(accepted(exampleWith(key, ' PO-42 '))[key], 'PO-42');
      invalid(key, 42, `The ${words} must be a string.`);
      invalid(key, 'r'.repeat(256), `The ${words} must not be greater than 255 characters.`);
    });
  }
});

describe('callback.callbackUrl', () => {
  test('is required, with its parent', () => {
    const result = validateCreateOrder(exampleWith('callback', DELETE));
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual(result.errors, ['The callback field is required.', 'The callback.callback url field is required.']);
    invalid('callback.callbackUrl', null, 'The callback.callback url field is required.');
  });
  test('an empty callback object counts as missing, as in Laravel', () => {
    const result = validateCreateOrder(exampleWith('callback', {}));
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual(result.fieldErrors, {
      callback: ['The callback field is required.'],
      'callback.callbackUrl': ['The callback.callback url field is required.'],
    });
  });
  test('must be an absolute http(s) URL', () => {
    for (const bad of ['example.com/callback', 'ftp://example.com/cb', '/callback', 'https://']) {
      invalid('callback.callbackUrl', bad, 'The callback.callback url must be a valid URL.');
    }
    accepted(exampleWith('callback.callbackUrl', 'http://localhost:3000/cb?shop=1'));
  });
  test('at most 2048 characters', () =>
    invalid('callback.callbackUrl', `https://example.com/${'a'.repeat(2029)}`, 'The callback.callback url must not be greater than 2048 characters.'));
  test('its own query parameters must not break the checksum loop: none named like ours, repeated or PHP arrays', () => {
    invalid('callback.callbackUrl', 'https://example.com/cb?status=x', 'The callback.callback url query parameter "status" is reserved for the callback.');
    invalid('callback.callbackUrl', 'https://example.com/cb?a=1&a=2', 'The callback.callback url query parameter "a" appears more than once.');
    invalid('callback.callbackUrl', 'https://example.com/cb?a[]=1', 'The callback.callback url query parameter "a[]" would be an array in PHP.');
    invalid('callback.callbackUrl', 'https://example.com/cb?=abc', 'The callback.callback url has a query parameter with an empty name.');
    accepted(exampleWith('callback.callbackUrl', 'https://example.com/cb?shop=1&ref=abc'));
  });
});

describe('sparse arrays (not JSON, but the validator must never throw)', () => {
  test('a hole in products is an absent line: its required fields are reported', () => {
    const body = exampleOrder({ productsAs: 'array' }) as any;
    body.products = [body.products[0], , ];
    const result = validateCreateOrder(body);
    assert.equal(result.ok, false);
    if (!result.ok) assert.ok(result.errors.includes('The products.1.name field is required.'));
  });
});

describe('totals (SPEC §5)', () => {
  /** One line of 4500.00 at 12 % as in the docs, with the client's figures as given. */
  const docsVector = (summary: Record<string, string> = {}) => {
    const body = exampleOrder({ productsAs: 'array' });
    body.products = [{ name: 'Service', quantity: '1', rate: '4500', tax: '12', amount: '4500.00' }];
    body.orderSummary = { subTotal: '4017.86', totalTax: '482.14', totalDiscount: '0.00', grandTotal: '4500.00', ...summary };
    return body;
  };

  test("accepts the docs' vector: 4500 at 12 % → subTotal 4017.86, totalTax 482.14", () => {
    const order = accepted(docsVector());
    assert.deepEqual(order.summary, { subTotalOre: 401786, totalTaxOre: 48214, totalDiscountOre: 0, grandTotalOre: 450000 });
    assert.equal(order.products[0]?.vatOre, 48214);
  });

  test('allows 1 øre of rounding per line and stores the server figures', () => {
    const order = accepted(docsVector({ totalTax: '482.15', subTotal: '4017.85' }));
    assert.equal(order.summary.totalTaxOre, 48214);
    assert.equal(accepted(exampleWith('products.0.amount', '51.01')).products[0]?.amountOre, 5100);
  });

  test('reports a wrong line amount with the expected value', () =>
    invalid('products.0.amount', 52, 'The products.0.amount must be 51.00 (quantity × rate − discount).'));

  test('reports each wrong summary figure with the expected value', () => {
    refused(docsVector({ totalTax: '482.16' }), 'orderSummary.totalTax', 'The order summary.total tax must be 482.14.');
    invalid('orderSummary.grandTotal', '51.02', 'The order summary.grand total must be 51.00.');
    invalid('orderSummary.subTotal', '40.80', 'The order summary.sub total must be 51.00.');
    invalid('orderSummary.totalDiscount', '1', 'The order summary.total discount must be 0.00.');
  });

  test('the summary allowance grows with the number of lines', () => {
    const body = exampleOrder({ productsAs: 'array' });
    body.products = [1, 2, 3].map(() => ({ name: 'x', quantity: 1, rate: '0.03', tax: 25, amount: '0.03' })); // VAT 0.6 øre → 1 each
    body.orderSummary = { subTotal: '0.09', totalTax: '0.00', totalDiscount: 0, grandTotal: '0.09' }; // 3 øre off: allowed
    assert.equal(accepted(body).summary.totalTaxOre, 3);
    body.orderSummary.totalTax = '0.07';
    refused(body, 'orderSummary.totalTax', 'The order summary.total tax must be 0.03.');
  });

  test('refuses a line whose quantity × rate exceeds 1000000000 NOK', () => {
    const body = exampleWith('products.0.quantity', 1000);
    body.products[0].rate = 1000001;
    refused(body, 'products.0.amount', 'The products.0.amount must not be greater than 1000000000 (quantity × rate).');
  });

  test('refuses an order whose grand total exceeds 1000000000 NOK', () => {
    const body = exampleOrder({ productsAs: 'array' });
    body.products = [1, 2].map(() => ({ name: 'x', quantity: 1, rate: 600000000, tax: 0, amount: 600000000 }));
    body.orderSummary = { subTotal: 1000000000, totalTax: 0, totalDiscount: 0, grandTotal: 1000000000 };
    refused(body, 'orderSummary.grandTotal', 'The order summary.grand total must not be greater than 1000000000.');
  });
});

describe('many errors at once', () => {
  test('every failing field is reported in one answer, in rule order', () => {
    const body = exampleOrder({ productsAs: 'object' });
    body.products['0'].rate = DELETE_VALUE();
    body.customerDetails.personalNumber = '123';
    body.customerDetails.email = 'nope';
    body.invoiceFeeApplicable = 'maybe';
    body.callback.callbackUrl = 'not a url';
    const result = validateCreateOrder(body);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.errors, [
      'The products.0.rate field is required.',
      'The customer details.email must be a valid email address.',
      'The customer details.personal number must be 11 digits.',
      'The invoice fee applicable field must be true or false.',
      'The callback.callback url must be a valid URL.',
    ]);
    assert.deepEqual(Object.keys(result.fieldErrors), [
      'products.0.rate', 'customerDetails.email', 'customerDetails.personalNumber', 'invoiceFeeApplicable', 'callback.callbackUrl',
    ]);
  });
});

function DELETE_VALUE(): undefined {
  return undefined; // an absent value, as after `delete`
}

describe('robustness', () => {
  const PATHS = [
    'products', 'products.0', 'products.0.name', 'products.0.productId', 'products.0.quantity', 'products.0.rate',
    'products.0.discount', 'products.0.tax', 'products.0.amount', 'products.1', 'orderSummary', 'orderSummary.subTotal',
    'orderSummary.totalTax', 'orderSummary.totalDiscount', 'orderSummary.grandTotal', 'orderDate', 'customerDetails',
    'customerDetails.countryCode', 'customerDetails.msisdn', 'customerDetails.email', 'customerDetails.name',
    'customerDetails.preferredLanguage', 'customerDetails.personalNumber', 'customerDetails.address',
    'customerDetails.address.country', 'customerDetails.address.zip', 'invoiceInterval', 'invoiceMaturity',
    'invoiceFeeApplicable', 'separateInvoices', 'referenceNo', 'customerReference', 'callback', 'callback.callbackUrl',
    '__proto__', 'constructor', 'products.__proto__', 'customerDetails.__proto__',
  ];
  const junk = fc.oneof(
    fc.jsonValue(),
    fc.anything({ withNullPrototype: true, withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withDate: true, withSparseArray: true }),
    fc.constantFrom(undefined, null, '', ' ', 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, '9'.repeat(400), '1e9', '-0',
      { 0: {} }, { 1: {} }, [[[[]]]], '5 Dec, 2023', 'NO', '+47', true, 'true'),
  );
  const mutation = fc.tuple(fc.constantFrom(...PATHS), junk);

  function mutate(body: JsonObject, path: string, value: unknown): void {
    const keys = path.split('.');
    const last = keys.pop()!;
    let node: unknown = body;
    for (const key of keys) node = node !== null && typeof node === 'object' ? (node as JsonObject)[key] : undefined;
    if (node === null || typeof node !== 'object') return;
    try {
      Object.defineProperty(node, last, { value, enumerable: true, configurable: true, writable: true });
    } catch {
      // the generator boxed a primitive (new String('…')) whose index properties are read-only: skip
    }
  }

  function assertWellFormed(body: unknown): void {
    const result = validateCreateOrder(body);
    if (result.ok) return;
    assert.ok(result.errors.length > 0);
    const flattened = Object.values(result.fieldErrors).flat();
    assert.equal(flattened.length, result.errors.length);
    for (const message of result.errors) assert.ok(flattened.includes(message), message);
  }

  test('mutated payloads never throw, and every rejection lists its errors per field', () => {
    fc.assert(
      fc.property(fc.constantFrom('array', 'object') as fc.Arbitrary<'array' | 'object'>, fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (productsAs, mutations) => {
          const body = exampleOrder({ productsAs });
          for (const [path, value] of mutations) mutate(body, path, value);
          assertWellFormed(body);
        }),
      { numRuns: 1500 },
    );
  });

  test('arbitrary bodies never throw', () => {
    fc.assert(fc.property(junk, (body) => assertWellFormed(body)), { numRuns: 1000 });
    fc.assert(fc.property(fc.string(), (text) => {
      let body: unknown;
      try { body = JSON.parse(text); } catch { body = text; }
      assertWellFormed(body);
    }), { numRuns: 300 });
  });

  test('deeply nested junk does not overflow the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assertWellFormed({ ...exampleOrder(), products: deep, customerDetails: deep });
    assertWellFormed(deep);
  });

  test('a huge list of junk lines gets a bounded answer', () => {
    const result = validateCreateOrder(exampleWith('products', Array.from({ length: 100_000 }, () => 0)));
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.errors.length, 1); // first, so a failure does not diff 100 000 messages
    assert.deepEqual(result.errors, ['The products must not have more than 500 items.']);
  });
});
