/**
 * Everything a run leaves behind (child processes, temp dirs, databases) is registered here as it is
 * made, and undone in reverse order at the end — also on an error, Ctrl-C, SIGTERM or the watchdog.
 * (A SIGKILL of the bench process cannot be handled; the helper children notice their parent is gone.)
 */
export interface Cleanup {
  /** Registers an undo step; returns a function that runs it now (once) and unregisters it. */
  add(label: string, fn: () => Promise<void> | void): () => Promise<void>;
  runAll(): Promise<void>;
}

const STEP_TIMEOUT_MS = 20_000;

export function createCleanup(log: (message: string) => void): Cleanup {
  const steps: Array<{ label: string; run: () => Promise<void> }> = [];

  const runStep = async (label: string, fn: () => Promise<void> | void) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(fn),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), STEP_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      log(`cleanup "${label}" failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    add(label, fn) {
      let done: Promise<void> | null = null;
      const step = {
        label,
        run: () => {
          done ??= (async () => {
            const i = steps.indexOf(step);
            if (i >= 0) steps.splice(i, 1);
            await runStep(label, fn);
          })();
          return done;
        },
      };
      steps.push(step);
      return step.run;
    },
    async runAll() {
      while (steps.length > 0) await steps[steps.length - 1]!.run();
    },
  };
}

/**
 * Runs `main` with the cleanup guaranteed: signals, uncaught errors and a watchdog (the run must end
 * by itself) all go through `cleanup.runAll()` before the process exits.
 */
export async function runGuarded(
  cleanup: Cleanup,
  log: (message: string) => void,
  budgetMs: number,
  main: () => Promise<number>,
): Promise<never> {
  let exiting = false;
  const bail = async (why: string, code: number) => {
    if (exiting) return;
    exiting = true;
    log(why);
    await cleanup.runAll();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void bail(`${signal}: stopping and cleaning up`, 130));
  }
  process.on('uncaughtException', (error) => void bail(`uncaught: ${error.stack ?? error}`, 1));
  process.on('unhandledRejection', (error) => void bail(`unhandled rejection: ${(error as Error)?.stack ?? error}`, 1));
  const watchdog = setTimeout(() => void bail(`watchdog: the run exceeded ${Math.round(budgetMs / 1000)} s`, 1), budgetMs);

  let code = 1;
  try {
    code = await main();
  } catch (error) {
    log(`failed: ${(error as Error)?.stack ?? error}`);
  }
  clearTimeout(watchdog);
  if (!exiting) {
    exiting = true;
    await cleanup.runAll();
  }
  process.exit(code);
}
