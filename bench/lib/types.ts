/** What every scenario gets and gives back; see bench/run.ts for how they are wired together. */
import type { BenchOptions } from './options.ts';
import type { Cleanup } from './cleanup.ts';

export interface BenchContext {
  options: BenchOptions;
  cleanup: Cleanup;
  /** Progress on stderr (the table goes to stdout). */
  log(message: string): void;
  /** A fresh temporary directory, removed by the cleanup. */
  tempDir(label: string): Promise<string>;
  /** A fresh database on the PostgreSQL server, dropped by the cleanup. */
  tempDatabase(): Promise<string>;
}

export interface ScenarioResult {
  /** Requests (or transactions) completed per second, successes only. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Successful requests / transactions in the measured window. */
  ok: number;
  /** Non-2xx answers, socket errors and timeouts (HTTP), failed transactions (driver). */
  failed: number;
  /** Peak VmRSS of the measured process (sampled during warm-up and load), MB. */
  peakRssMb?: number;
  /** CPU used by the measured process during the load, in % of one core. */
  cpuPct?: number;
  /** CPU of the PostgreSQL server's processes during the load, % of one core. */
  dbCpuPct?: number;
  /** Whole machine busy during the load, % of all cores (load generator, server, database together). */
  machineCpuPct?: number;
  /** Anything worth printing under the table. */
  notes?: string[];
}

export interface Scenario {
  /** Short key used in ratios and BENCH_ONLY, e.g. "c". */
  id: string;
  title: string;
  /** Not part of the default run; runs only when named in BENCH_ONLY. */
  optional?: boolean;
  /** Seconds the scenario may take in all when it does not follow BENCH_DURATION (the run's watchdog budget). */
  maxSeconds?: number;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}
