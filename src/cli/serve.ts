/**
 * `efaktura serve` and `efaktura worker`: long-running processes. SIGTERM/SIGINT stop them gracefully
 * (in-flight requests and callbacks finish first, which can take up to the callback timeout); a second
 * signal exits at once, for an operator who will not wait.
 */
import os from 'node:os';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { demoBanner, ensureDemoMerchant, startServer, startSimulatorOnly, startWorkerOnly } from '../server.ts';

function onSignals(logger: Logger, stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        process.stderr.write(`efaktura: ${signal} again: exiting now, without waiting for in-flight work to finish\n`);
        process.exit(128 + os.constants.signals[signal]);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down (send the signal again to exit at once)');
      void stop(signal);
    });
  }
}

export async function serve(config: Config, logger: Logger): Promise<number> {
  const server = await startServer(config, logger);
  // Handlers go in before anything announces the server: a supervisor (or a test) may signal as soon
  // as it reads "listening", and without a handler SIGTERM would kill the process mid-write.
  const stopped = new Promise<number>((resolve) => {
    onSignals(logger, async () => {
      await server.close();
      logger.info('stopped');
      resolve(0);
    });
  });
  if (config.demoMerchant) {
    const demo = await ensureDemoMerchant(server.db);
    if (demo) process.stdout.write(demoBanner(demo, server.url, server.simulator?.url ?? null));
  }
  if (server.simulator) logger.info({ url: server.simulator.url }, 'eFaktura simulator is listening (netbank at its /)');
  logger.info({ url: server.url, database: server.db.kind, worker: config.runWorker }, 'efaktura is listening');
  return stopped;
}

export async function worker(config: Config, logger: Logger): Promise<number> {
  const running = await startWorkerOnly(config, logger);
  const stopped = new Promise<number>((resolve) => {
    onSignals(logger, async () => {
      await running.stop();
      resolve(0);
    });
  });
  logger.info({ database: running.db.kind }, 'efaktura worker running');
  return stopped;
}

/** `efaktura simulator`: the eFaktura simulator alone (network API, control API, netbank page). */
export async function simulator(config: Config, logger: Logger): Promise<number> {
  const running = await startSimulatorOnly(config, logger);
  const stopped = new Promise<number>((resolve) => {
    onSignals(logger, async () => {
      await running.stop();
      resolve(0);
    });
  });
  logger.info({ url: running.simulator.url, database: running.db.kind }, 'eFaktura simulator is listening (netbank at its /)');
  return stopped;
}
