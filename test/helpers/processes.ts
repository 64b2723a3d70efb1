/** Running the real `efaktura` command as a child process, as an operator would. */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'efaktura.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Starts `efaktura serve` on a free port and resolves once it is listening. */
export function startServe(env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', EFAKTURA_DEMO_MERCHANT: '0', EFAKTURA_RATE_LIMIT: '1000000', EFAKTURA_SIMULATOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`efaktura serve did not start in time:\n${out}`));
    }, timeoutMs);
    let scanned = 0;
    const onData = (d: Buffer) => {
      out += d;
      // Look only at what is new (plus the line it continues): a chatty child must never wait for us.
      const from = Math.max(0, out.lastIndexOf('\n', scanned - 1));
      scanned = out.length;
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*efaktura is listening/.exec(out.slice(from));
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => out, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`efaktura serve exited with ${code}:\n${out}`));
    });
  });
}

/**
 * Starts `efaktura serve` quietly (LOG_LEVEL=error) on a free port and resolves once /healthz answers: for
 * servers that will be busy, where waiting for a log line would make the test depend on log volume.
 */
export async function startQuietServe(env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<ServeProcess> {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, HOST: '127.0.0.1', EFAKTURA_DEMO_MERCHANT: '0', EFAKTURA_RATE_LIMIT: '1000000', EFAKTURA_SIMULATOR: '0', ...env, PORT: String(port), LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url, output: () => out, exited };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`efaktura serve did not start in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
