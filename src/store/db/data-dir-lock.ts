/**
 * An exclusive lock on the embedded database's data directory. PGlite is a single-process database:
 * two processes on one directory silently lost most of their acknowledged writes in our trials, so the
 * second process must fail loudly instead.
 *
 * The lock file names its owner (pid, host, boot id and process start time, so a reused pid is not
 * mistaken for the owner) and a random nonce that makes every lock generation unique. Files only ever
 * appear whole: content is written to a private temp file first, then link()ed (fails if the target
 * exists) or rename()d (replaces atomically) into place.
 *
 * Taking over a stale lock (owner dead, after SIGKILL or a power loss) must be race-free: two processes
 * starting at once must never both believe they hold it. The taker first link()s a ticket named after
 * the stale generation; only one process can create a given ticket. It then checks that the lock is
 * still that generation and rename()s its own lock over it. A ticket whose creator died is never
 * removed (removing it would race); the next taker uses the next ticket number instead.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface DataDirLock {
  release(): void;
}

export class DataDirLockedError extends Error {
  readonly pid: number;
  constructor(dir: string, pid: number) {
    super(
      `The data directory ${path.resolve(dir)} is in use by another efaktura process (pid ${pid}). ` +
        'The embedded database allows one process at a time: stop that process first, ' +
        'or use a PostgreSQL server (DATABASE_URL) to run several.',
    );
    this.pid = pid;
  }
}

interface Owner {
  pid?: number;
  host?: string;
  bootId?: string;
  startTicks?: string;
}

const LOCK_NAME = 'efaktura.lock';
const TICKET_PREFIX = `${LOCK_NAME}.takeover.`;

/** Linux identifies a process incarnation by boot id + start time; elsewhere these stay undefined. */
function bootId(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

function startTicks(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]; // field 22, after "pid (comm) "
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process that wrote `owner` still runs (on another host: assumed, we cannot tell). */
function ownerAlive(owner: Owner): boolean {
  const pid = owner.pid ?? 0;
  if (pid <= 0) return false; // unreadable: its writer died before finishing
  if (owner.host !== undefined && owner.host !== os.hostname()) return true;
  const here = bootId();
  if (owner.bootId !== undefined && here !== undefined && owner.bootId !== here) return false; // before a reboot
  if (pid === process.pid) return false; // a previous incarnation with our pid (e.g. pid 1 in a container)
  if (!pidAlive(pid)) return false;
  const ticks = startTicks(pid);
  return owner.startTicks === undefined || ticks === undefined || owner.startTicks === ticks;
}

function readOwner(file: string): { text: string; owner: Owner } | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return { text, owner: JSON.parse(text) as Owner };
  } catch {
    return { text, owner: {} };
  }
}

/** Writes `text` to a private temp file and hands it to `place`; the temp name is always removed. */
function placeWhole(dir: string, text: string, place: (temp: string) => void): void {
  const temp = path.join(dir, `.${LOCK_NAME}.${process.pid}.${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(temp, text, { flag: 'wx' });
  try {
    place(temp);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function tryLink(dir: string, text: string, target: string): boolean {
  try {
    placeWhole(dir, text, (temp) => fs.linkSync(temp, target));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Directories this process holds: a second open from the same process is refused too. */
const heldHere = new Set<string>();

export function lockDataDir(dir: string): DataDirLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_NAME);
  const key = path.resolve(file);
  if (heldHere.has(key)) throw new DataDirLockedError(dir, process.pid);
  const mine: Owner & { nonce: string; since: string } = {
    pid: process.pid,
    host: os.hostname(),
    bootId: bootId(),
    startTicks: startTicks(process.pid),
    since: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
  const text = JSON.stringify(mine);

  for (let attempt = 0; attempt < 50; attempt++) {
    if (tryLink(dir, text, file)) return held(file, key, text);
    const current = readOwner(file);
    if (current === null) continue; // released meanwhile: try to create it again
    if (ownerAlive(current.owner)) throw new DataDirLockedError(dir, current.owner.pid ?? 0);
    if (takeOver(dir, file, current.text, text)) return held(file, key, text);
    // Another process is taking over this stale lock: look again (it will be live, or free).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  throw new Error(`Could not lock the data directory ${path.resolve(dir)}`);
}

/** Replaces the stale lock `staleText` with ours if this process wins its ticket; false otherwise. */
function takeOver(dir: string, file: string, staleText: string, text: string): boolean {
  const generation = createHash('sha256').update(staleText).digest('hex').slice(0, 16);
  for (let n = 0; ; n++) {
    const ticket = path.join(dir, `${TICKET_PREFIX}${generation}.${n}`);
    if (!tryLink(dir, text, ticket)) {
      const holder = readOwner(ticket);
      if (holder !== null && ownerAlive(holder.owner)) return false; // a live process is on it
      continue; // its creator died mid-takeover (or it just finished): the next number is free
    }
    try {
      // Only a holder of a ticket for this generation may replace it, and we hold one; but a taker
      // that finished before us may have replaced the lock already, so check it is still stale.
      if (readOwner(file)?.text !== staleText) return false;
      placeWhole(dir, text, (temp) => fs.renameSync(temp, file));
      return true;
    } finally {
      removeTickets(dir, generation);
    }
  }
}

/**
 * A generation's tickets matter only while that generation is the lock. Once it is replaced (by us,
 * or by whoever made our check fail), any later holder of one of its tickets fails that check too.
 */
function removeTickets(dir: string, generation: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(`${TICKET_PREFIX}${generation}.`)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function held(file: string, key: string, text: string): DataDirLock {
  heldHere.add(key);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldHere.delete(key);
    process.off('exit', release);
    // Only our own generation is removed; nobody replaces a live lock, so it is still ours.
    if (readOwner(file)?.text === text) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { release };
}
