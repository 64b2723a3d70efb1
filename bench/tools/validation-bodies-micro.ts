/**
 * Micro-benchmark of `validateCreateOrder` on three bodies (one core, no I/O): the documented example, a
 * valid 50-line order, and a body that fails nearly every rule (the 417 path). Prints µs per validation.
 *   node bench/tools/validation-bodies-micro.ts [ms per case=1500]
 */
import { validateCreateOrder } from '../../src/api/validation/create-order.ts';
import { exampleOrder } from '../../test/fixtures/example-order.ts';

const LINES = 50;

const documented = JSON.parse(JSON.stringify(exampleOrder()));

const manyLines = {
  ...exampleOrder(),
  products: Array.from({ length: LINES }, (_, i) => ({
    name: `Line ${i}`, productId: `P${i}`, quantity: '2', rate: 100, discount: 0, tax: '25', amount: '200.00',
  })),
  orderSummary: {
    subTotal: (160 * LINES).toFixed(2), totalTax: (40 * LINES).toFixed(2), totalDiscount: '0.00', grandTotal: (200 * LINES).toFixed(2),
  },
};

const manyErrors = {
  products: Array.from({ length: 10 }, (_, i) => ({
    name: i % 2 === 0 ? 42 : '', productId: 123, quantity: 'abc', rate: '1.001', discount: -5, tax: '7', amount: {},
  })),
  orderSummary: { subTotal: 'x', totalTax: -1, totalDiscount: '1.234', grandTotal: 1e12 },
  orderDate: 'yesterday',
  customerDetails: {
    countryCode: '47', msisdn: '12', email: 'not-an-email', name: 'x'.repeat(300), preferredLanguage: 'fr', personalNumber: '123',
    address: { street: '', zip: 4313, city: null, country: 'XX' },
  },
  invoiceInterval: 5, invoiceMaturity: 'soon', invoiceFeeApplicable: 'maybe', separateInvoices: 2,
  referenceNo: 12, customerReference: ['x'], callback: { callbackUrl: 'ftp://x' },
};

const ms = Number(process.argv[2] ?? 1500);

function time(label: string, body: unknown): void {
  const result = validateCreateOrder(body);
  const outcome = result.ok ? 'valid' : `${result.errors.length} errors`;
  for (let i = 0; i < 3000; i++) validateCreateOrder(body); // warm up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 100; i++) validateCreateOrder(body);
    n += 100;
  }
  const us = ((performance.now() - t0) * 1000) / n;
  process.stdout.write(`${label.padEnd(34)} ${outcome.padEnd(10)} ${us.toFixed(1).padStart(7)} µs/validation\n`);
}

time('documented example (1 line)', documented);
time(`valid order, ${LINES} lines`, manyLines);
time('many errors (10 bad lines)', manyErrors);
