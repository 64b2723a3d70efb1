/**
 * Flag parsing for every command. `parseArgs` throws a TypeError on an unknown or mistyped flag;
 * here that becomes a UsageError, so the operator sees the command's usage and exit code 2, not a stack.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

type Options = Record<string, { type: 'string' | 'boolean' }>;

export function parseCommandLine<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}
