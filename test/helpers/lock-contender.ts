/**
 * A process that tries to take a data-directory lock when told to: prints "ready", waits for a line on
 * stdin, tries once, prints "won" or "refused", then holds what it got until stdin closes.
 */
import { lockDataDir, DataDirLockedError } from '../../src/store/db/data-dir-lock.ts';

const dir = process.argv[2]!;
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  try {
    lockDataDir(dir);
    process.stdout.write('won\n');
  } catch (error) {
    process.stdout.write(error instanceof DataDirLockedError ? 'refused\n' : `error ${(error as Error).message}\n`);
  }
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
});
