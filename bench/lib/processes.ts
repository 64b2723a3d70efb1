/** Child Node processes (always Node 24: process.execPath), free ports and readiness checks. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { SETTINGS } from '../../src/config.ts';
import type { Cleanup } from './cleanup.ts';

const OUTPUT_KEEP = 64 * 1024;

export interface ChildHandle {
  name: string;
  child: ChildProcess;
  pid: number;
  /** stdout+stderr so far (the last 64 kB), for error messages. */
  output(): string;
  stdout(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string | null>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The environment of a child: ours minus every efaktura setting (so a DATABASE_URL in the shell
 * cannot leak into a scenario), plus `env`.
 */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const s of SETTINGS) delete base[s.env];
  delete base.NODE_OPTIONS;
  return { ...base, ...env };
}

export function spawnNode(
  cleanup: Cleanup,
  name: string,
  args: string[],
  options: { env: Record<string, string>; nodeFlags?: string[]; stdin?: 'pipe' | 'ignore' },
): ChildHandle {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...args], {
    env: childEnv(options.env),
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  let out = '';
  let stdout = '';
  const keep = (s: string) => (s.length > OUTPUT_KEEP ? s.slice(-OUTPUT_KEEP) : s);
  child.stdout!.on('data', (d: Buffer) => {
    out = keep(out + d);
    stdout = keep(stdout + d);
  });
  child.stderr!.on('data', (d: Buffer) => (out = keep(out + d)));
  let ended = false;
  const exited = new Promise<number | string | null>((resolve) => {
    child.on('close', (code, signal) => {
      ended = true;
      resolve(code ?? signal);
    });
    child.on('error', () => {
      ended = true;
      resolve('spawn error');
    });
  });
  const stop = async (graceMs = 10_000) => {
    if (ended) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const unregister = cleanup.add(`stop ${name} (pid ${child.pid})`, () => stop());
  void exited.then(() => unregister());
  return {
    name,
    child,
    pid: child.pid,
    output: () => out,
    stdout: () => stdout,
    exited,
    hasExited: () => ended,
    stop: (graceMs) => stop(graceMs),
  };
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls `url` until it answers 200; fails early if the process dies. */
export async function waitForHttp(url: string, handle: ChildHandle, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (handle.hasExited()) throw new Error(`${handle.name} exited before it was ready:\n${handle.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${handle.name} was not ready at ${url} within ${timeoutMs / 1000} s:\n${handle.output()}`);
}

/**
 * Waits for a child that reports one JSON line on stdout and exits 0. Killed after `timeoutMs`.
 * Returns the last stdout line that parses as JSON.
 */
export async function jsonResult<T>(handle: ChildHandle, timeoutMs: number): Promise<T> {
  const timer = setTimeout(() => void handle.stop(2000), timeoutMs);
  const code = await handle.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${handle.name} exited with ${code}:\n${handle.output()}`);
  const lines = handle.stdout().trim().split('\n').reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line) as T;
    } catch {
      // not the result line
    }
  }
  throw new Error(`${handle.name} printed no JSON result:\n${handle.output()}`);
}

/** Child side: exit when the parent goes away (its stdin pipe closes), so no orphan keeps running. */
export function exitWithParent(): void {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
