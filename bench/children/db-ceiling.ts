/**
 * Scenario (d)'s load, in a process of its own: the create-order statement straight through the
 * driver (no HTTP), from BENCH_LOOPS concurrent loops, on the database `loadConfig` names (a
 * PostgreSQL server with the server's pool size, or PGlite in EFAKTURA_DATA_DIR). Prints one JSON line.
 */
import { loadConfig } from '../../src/config.ts';
import { openDatabase, uniqueViolation } from '../../src/store/db/db.ts';
import { migrate } from '../../src/store/db/migrate.ts';
import { insertMerchant } from '../../src/store/merchants.ts';
import { insertOrder } from '../../src/store/orders.ts';
import { newCustomerUuid, newOrderUuid } from '../../src/domain/orders/ids.ts';
import { validateCreateOrder } from '../../src/api/validation/create-order.ts';
import { exampleOrder } from '../../test/fixtures/example-order.ts';
import { exitWithParent } from '../lib/processes.ts';
import { randomPersonalNumber } from '../lib/payload.ts';

export interface CeilingResult {
  ok: number;
  failed: number;
  idCollisions: number;
  elapsedS: number;
  p50Ms: number;
  p99Ms: number;
  poolSize: number;
  kind: string;
}

exitWithParent();
const loops = Number(process.env.BENCH_LOOPS ?? 32);
const warmupS = Number(process.env.BENCH_WARMUP_S ?? 0);
const durationS = Number(process.env.BENCH_DURATION_S ?? 10);
const distinctCustomers = process.env.BENCH_DISTINCT_CUSTOMERS === '1';
const config = loadConfig(process.env);

const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
await migrate(db);
const merchant = await insertMerchant(db, { name: 'Bench', orgNumber: '923609016', accountNumber: null });
const validated = validateCreateOrder(exampleOrder());
if (!validated.ok) throw new Error(`the example payload does not validate: ${JSON.stringify(validated.errors)}`);
const order = validated.value;
const actor = `merchant:${merchant.id}`;

let ok = 0;
let failed = 0;
let idCollisions = 0;
let latencies: number[] = [];

/** One create-order, as the route does it: fresh ids, drawn again on a (rare) id collision. */
async function createOne(): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const o = distinctCustomers ? { ...order, customer: { ...order.customer, personalNumber: randomPersonalNumber(), organizationId: undefined } } : order;
      await insertOrder(db, merchant.id, o, { orderUuid: newOrderUuid(), customerUuid: newCustomerUuid() }, actor, null);
      return;
    } catch (error) {
      if (uniqueViolation(error) === null || attempt >= 5) throw error;
      idCollisions++;
    }
  }
}

async function phase(seconds: number): Promise<number> {
  const start = performance.now();
  const until = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await createOne();
          latencies.push(performance.now() - t0);
          ok++;
        } catch (error) {
          failed++;
          if (failed > 100) throw error;
        }
      }
    }),
  );
  return (performance.now() - start) / 1000;
}

if (warmupS > 0) await phase(warmupS);
ok = 0;
failed = 0;
idCollisions = 0;
latencies = [];
process.stdout.write('{"phase":"measure"}\n');
const elapsedS = await phase(durationS);
process.stdout.write('{"phase":"done"}\n'); // before closing: the parent reads the backends' CPU now
await db.close();

const sorted = Float64Array.from(latencies).sort();
const pct = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
const result: CeilingResult = {
  ok,
  failed,
  idCollisions,
  elapsedS,
  p50Ms: pct(50),
  p99Ms: pct(99),
  poolSize: db.kind === 'server' ? config.databasePoolSize : 1,
  kind: db.kind,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
