/**
 * Micro-benchmark of create-order validation (one core, no I/O): what `validateCreateOrder` costs per
 * request, and how much of it is rebuilding the rules table (`createOrderRules`) on every call.
 *   node bench/tools/validation-micro.ts
 */
import { createOrderRules, validateCreateOrder } from '../../src/api/validation/create-order.ts';
import { validateRules } from '../../src/api/validation/rules.ts';
import { exampleOrder } from '../../test/fixtures/example-order.ts';

const body = JSON.parse(JSON.stringify(exampleOrder()));
const cached = createOrderRules();

function time(label: string, fn: () => unknown, ms = 1500): void {
  for (let i = 0; i < 2000; i++) fn(); // warm up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
  }
  const us = ((performance.now() - t0) * 1000) / n;
  process.stdout.write(`${label.padEnd(46)} ${us.toFixed(1).padStart(7)} µs/call  ${Math.round(1e6 / us)} /s\n`);
}

time('validateCreateOrder (as the route calls it)', () => validateCreateOrder(body));
time('createOrderRules() alone', () => createOrderRules());
time('validateRules with a cached rules table', () => validateRules(cached, body));
time('validateRules with a fresh rules table', () => validateRules(createOrderRules(), body));
