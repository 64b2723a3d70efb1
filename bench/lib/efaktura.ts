/** Running the real `efaktura` command (bin/efaktura.js) as child processes, as an operator would. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './types.ts';
import { freePort, jsonResult, spawnNode, waitForHttp, type ChildHandle } from './processes.ts';

export const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'efaktura.js');

export interface CliMerchant {
  merchantId: number;
  token: string;
  callbackSecret: string;
}

/** `efaktura merchant create --json` (also migrates). Run it before `serve` on PGlite: the data dir is locked. */
export async function createMerchant(ctx: BenchContext, env: Record<string, string>): Promise<CliMerchant> {
  const handle = spawnNode(ctx.cleanup, 'efaktura merchant create', [BIN, 'merchant', 'create', '--name', 'Bench', '--org-number', '923609016', '--json'], {
    env: { LOG_LEVEL: 'warn', ...env },
  });
  const merchant = await jsonResult<CliMerchant>(handle, 120_000);
  if (typeof merchant.token !== 'string') throw new Error(`unexpected merchant output: ${handle.output()}`);
  return merchant;
}

export interface Serve {
  handle: ChildHandle;
  baseUrl: string;
}

/** `efaktura serve` on a free loopback port; resolves once /healthz answers. */
export async function startServe(ctx: BenchContext, name: string, env: Record<string, string>): Promise<Serve> {
  const port = await freePort();
  const nodeFlags = efakturaNodeFlags(ctx, name);
  const handle = spawnNode(ctx.cleanup, name, [BIN, 'serve'], {
    env: { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', EFAKTURA_DEMO_MERCHANT: '0', ...env },
    nodeFlags,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/healthz`, handle);
  return { handle, baseUrl };
}

/** Node flags of an efaktura child: BENCH_SERVE_NODE_FLAGS, plus a V8 CPU profile named `name` when BENCH_CPU_PROF is set. */
export function efakturaNodeFlags(ctx: BenchContext, name: string): string[] {
  return [
    ...ctx.options.serveNodeFlags,
    ...(ctx.options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', ctx.options.cpuProfDir, '--cpu-prof-name', `${name}.cpuprofile`] : []),
  ];
}

/**
 * `efaktura worker` (the standalone background worker). It starts claiming at once; there is no
 * readiness signal, so the caller watches the work it does. Stop it with `handle.stop()` (SIGTERM,
 * graceful, so a --cpu-prof profile gets written).
 */
export function startWorkerProcess(ctx: BenchContext, name: string, env: Record<string, string>): ChildHandle {
  return spawnNode(ctx.cleanup, name, [BIN, 'worker'], {
    env: { LOG_LEVEL: 'warn', ...env },
    nodeFlags: efakturaNodeFlags(ctx, name),
  });
}
