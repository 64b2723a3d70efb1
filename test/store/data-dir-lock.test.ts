/** The embedded database's data-directory lock: one process at a time, and a crashed owner's lock is taken over exactly once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataDirLockedError, lockDataDir } from '../../src/store/db/data-dir-lock.ts';

const CONTENDER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'lock-contender.ts');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'efk-lockdir-'));
}

/** A pid that belonged to a process which has exited: the owner of a lock left by a crash. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function writeStaleLock(dir: string, pid = deadPid()): string {
  const file = path.join(dir, 'efaktura.lock');
  fs.writeFileSync(file, JSON.stringify({ pid, host: os.hostname(), since: '2025-01-01T00:00:00.000Z' }));
  return file;
}

interface Contender {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  next(): Promise<string>;
}

function contender(dir: string): Contender {
  const child = spawn(process.execPath, [CONTENDER, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  let buffer = '';
  child.stdout.on('data', (d) => {
    buffer += d;
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  return {
    child,
    lines,
    next: () => (lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise((r) => waiting.push(r))),
  };
}

async function stop(c: Contender): Promise<void> {
  const closed = new Promise((r) => c.child.on('close', r));
  c.child.stdin.end();
  await closed;
}

test('a lock left by a dead process is taken over, and released again on release()', () => {
  const dir = tempDir();
  const file = writeStaleLock(dir);
  const lock = lockDataDir(dir);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).pid, process.pid);
  lock.release();
  assert.equal(fs.existsSync(file), false);
  assert.deepEqual(fs.readdirSync(dir), [], 'no tickets or temp files are left behind');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a lock of a live process is refused with its pid, and left untouched', async () => {
  const dir = tempDir();
  const holder = contender(dir);
  try {
    assert.equal(await holder.next(), 'ready');
    holder.child.stdin.write('go\n');
    assert.equal(await holder.next(), 'won');
    const before = fs.readFileSync(path.join(dir, 'efaktura.lock'), 'utf8');
    assert.throws(() => lockDataDir(dir), (e: unknown) => e instanceof DataDirLockedError && e.pid === holder.child.pid);
    assert.equal(fs.readFileSync(path.join(dir, 'efaktura.lock'), 'utf8'), before);
  } finally {
    await stop(holder);
  }
  // The holder exited without release (process.exit runs the exit hook): the directory is free again.
  lockDataDir(dir).release();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a lock naming a live pid that is a different process incarnation (other boot) is stale', () => {
  const dir = tempDir();
  const file = path.join(dir, 'efaktura.lock');
  fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, host: os.hostname(), bootId: 'a-previous-boot', startTicks: '1' }));
  const lock = lockDataDir(dir);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).pid, process.pid);
  lock.release();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('processes that find the same stale lock at once: exactly one takes it over', { timeout: 120_000 }, async () => {
  for (let round = 0; round < 3; round++) {
    const dir = tempDir();
    writeStaleLock(dir);
    const contenders = Array.from({ length: 5 }, () => contender(dir));
    try {
      for (const c of contenders) assert.equal(await c.next(), 'ready');
      for (const c of contenders) c.child.stdin.write('go\n');
      const outcomes = await Promise.all(contenders.map((c) => c.next()));
      assert.equal(outcomes.filter((o) => o === 'won').length, 1, `round ${round}: ${outcomes.join(', ')}`);
      assert.equal(outcomes.filter((o) => o === 'refused').length, contenders.length - 1, outcomes.join(', '));
      const winner = contenders[outcomes.indexOf('won')]!;
      assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'efaktura.lock'), 'utf8')).pid, winner.child.pid);
    } finally {
      await Promise.all(contenders.map(stop));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});
