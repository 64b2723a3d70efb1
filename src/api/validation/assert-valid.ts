/** The one way an endpoint turns failed rules into its 417 (SPEC §2.2). */
import { validationError } from '../../app/errors.ts';
import { validateRules, type ErrorBag, type RulesTable, type Validation } from './rules.ts';

/** Throws the 417 for every failure in the bag; returns when it is empty. */
export function throwIfFailed(bag: ErrorBag): void {
  if (bag.isEmpty) return;
  const failure = bag.toFailure();
  throw validationError(failure.errors, failure.fieldErrors);
}

/** Runs the table's rules against `input`, throwing the 417 when any fails. */
export function assertValid(table: RulesTable, input: unknown): void {
  throwIfFailed(validateRules(table, input));
}

/** The validated value, or the 417. */
export function validOrThrow<T>(result: Validation<T>): T {
  if (!result.ok) throw validationError(result.errors, result.fieldErrors);
  return result.value;
}
