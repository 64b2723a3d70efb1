/**
 * An exclusive lock on the embedded database's data directory. PGlite is a single-process database:
 * two processes on one directory silently lost most of their acknowledged writes in our trials, so the
 * second process must fail loudly instead. The lock is a file created with O_EXCL holding the owner's
 * pid; a lock whose pid is no longer alive (after SIGKILL or a power loss) is stale and taken over.
 */
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Directories this process holds: a second open from the same process is refused too. */
const heldHere = new Set<string>();

export function lockDataDir(dir: string): DataDirLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'efaktura.lock');
  const key = path.resolve(file);
  if (heldHere.has(key)) throw new DataDirLockedError(dir, process.pid);
  const body = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, body, { flag: 'wx' });
      heldHere.add(key);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        heldHere.delete(key);
        process.off('exit', release);
        try {
          if (JSON.parse(fs.readFileSync(file, 'utf8')).pid === process.pid) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: { pid?: number; host?: string } = {};
      try {
        owner = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        // a half-written lock file: its writer died before finishing, so it is stale
      }
      const pid = owner.pid ?? 0;
      const sameHost = owner.host === undefined || owner.host === os.hostname();
      // Our own pid in the file is a previous incarnation (pid reuse, e.g. pid 1 in a container).
      if (pid > 0 && pid !== process.pid && sameHost && isAlive(pid)) throw new DataDirLockedError(dir, pid);
      if (pid > 0 && !sameHost) throw new DataDirLockedError(dir, pid);
      fs.rmSync(file, { force: true }); // stale: its owner is dead
    }
  }
  throw new Error(`Could not lock the data directory ${path.resolve(dir)}`);
}
