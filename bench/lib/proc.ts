/** Memory and CPU of a process from /proc (Linux): peak VmRSS by sampling, CPU time from /proc/<pid>/stat. */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const CLOCK_TICKS_PER_S = 100; // USER_HZ; 100 on every mainstream Linux

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null; // the process has gone
  }
}

/** utime + stime of the process, seconds. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

export interface RssSampler {
  /** Highest VmRSS seen, MB. */
  peakMb(): number;
  stop(): void;
}

export function sampleRss(pid: number, intervalMs = 100): RssSampler {
  let peakKb = statusKb(pid, 'VmRSS') ?? 0;
  const timer = setInterval(() => {
    const kb = statusKb(pid, 'VmRSS');
    if (kb !== null && kb > peakKb) peakKb = kb;
  }, intervalMs);
  timer.unref();
  return {
    peakMb: () => peakKb / 1024,
    stop: () => clearInterval(timer),
  };
}

/** Current VmRSS, MB. */
export function rssMb(pid: number): number | null {
  const kb = statusKb(pid, 'VmRSS');
  return kb === null ? null : kb / 1024;
}

/** The kernel's own high-water mark of the process's RSS, MB (a cross-check of the sampled peak). */
export function hwmMb(pid: number): number | null {
  const kb = statusKb(pid, 'VmHWM');
  return kb === null ? null : kb / 1024;
}

/** CPU used by `pid` between construction and `pct()`, in % of one core. */
export function cpuMeter(pid: number): { pct(): number | null } {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  return {
    pct() {
      const c1 = cpuSeconds(pid);
      if (c0 === null || c1 === null) return null;
      return ((c1 - c0) / ((performance.now() - t0) / 1000)) * 100;
    },
  };
}

/** Whole-machine busy share between construction and `pct()`, in % of all cores (from /proc/stat). */
export function machineMeter(): { pct(): number | null } {
  const read = () => {
    try {
      const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
      return { idle, total: cpu.reduce((a, b) => a + b, 0) };
    } catch {
      return null;
    }
  };
  const a = read();
  return {
    pct() {
      const b = read();
      if (!a || !b || b.total === a.total) return null;
      return (1 - (b.idle - a.idle) / (b.total - a.total)) * 100;
    },
  };
}

/** How busy the machine is with nothing of ours running: % of all cores over `ms`. */
export async function backgroundBusyPct(ms = 1000): Promise<number | null> {
  const m = machineMeter();
  await new Promise((r) => setTimeout(r, ms));
  return m.pct();
}

/** utime + stime (s) of every process whose command name is `comm`, by pid. */
function cpuByComm(comm: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== comm) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** CPU of all processes named `comm` (e.g. the PostgreSQL server and its backends), % of one core. */
export function commCpuMeter(comm: string): { pct(): number | null } {
  const before = cpuByComm(comm);
  const t0 = performance.now();
  return {
    pct() {
      const after = cpuByComm(comm);
      if (after.size === 0 && before.size === 0) return null;
      let used = 0;
      for (const [pid, s] of after) used += s - (before.get(pid) ?? 0);
      return (used / ((performance.now() - t0) / 1000)) * 100;
    },
  };
}

/**
 * CPU used by everything else on the machine while we measure, in % of one core: the machine's busy
 * time (/proc/stat) minus the processes named (by pid, and all `postgres` processes). Kernel work not
 * charged to a process (interrupts, kernel threads) lands here too, so a few % are normal.
 */
export function othersCpuMeter(pids: number[]): { pct(): number | null } {
  const machine = machineMeter();
  const own = pids.map((pid) => (pid === process.pid ? null : cpuMeter(pid)));
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const pg = commCpuMeter('postgres');
  const cores = os.availableParallelism();
  return {
    pct() {
      const m = machine.pct();
      if (m === null) return null;
      const selfUsage = process.cpuUsage(self0);
      const selfPct = pids.includes(process.pid) ? ((selfUsage.user + selfUsage.system) / 1000 / (performance.now() - t0)) * 100 : 0;
      const ours = own.reduce((sum, meter) => sum + (meter?.pct() ?? 0), selfPct) + (pg.pct() ?? 0);
      return Math.max(0, m * cores - ours);
    },
  };
}
