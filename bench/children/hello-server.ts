/** Scenario (a)'s server: a bare Fastify hello-world on 127.0.0.1, port printed as JSON on stdout. */
import Fastify from 'fastify';
import { exitWithParent } from '../lib/processes.ts';

exitWithParent();
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => void app.close().then(() => process.exit(0)));
}
