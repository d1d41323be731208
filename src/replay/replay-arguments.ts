/**
 * @module
 * What the replay service's methods accept, as one table of shapes (`internal/shape.ts`),
 * and the one way a refused argument is reported: `INVALID_ARGUMENT`, naming the method,
 * the argument's path and what it must be. Checks run before anything is stored, so a
 * refused call changes nothing.
 *
 * The checks of `insert` and `insertMany` run once per item and table, so their tests are
 * exported too: a caller runs the test alone, and makes the argument's path (a string)
 * only for a refusal.
 */
import { describeThrown, LaunchpadError } from '../errors/errors.ts';
import { must, ShapeError, type Check } from '../internal/shape.ts';

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null;

/** An entry of `insertMany`: an object with `priorities` (what they are is checked apart). */
export const isInsertEntry = (value: unknown): boolean =>
  isObject(value) && 'priorities' in (value as object);

/** A priority: a finite number ≥ 0. */
export const isPriority = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** The replay service's arguments, each with what it must be. */
export const REPLAY_ARGUMENTS = {
  /** The constructor's options. */
  options: must('an object ({ tables: [...] })', isObject),
  /** `options.checkpoint.everyMs` of the constructor. */
  everyMs: must('a positive number of milliseconds', (value) => (value as number) > 0),
  /** `insertMany`'s items. */
  items: must('an array of { data, priorities } entries', Array.isArray),
  /** One of `insertMany`'s items. */
  entry: must('{ data, priorities }', isInsertEntry),
  /** `sample`'s batch size. */
  batchSize: must('an integer ≥ 1', (value) => Number.isInteger(value) && (value as number) >= 1),
  /** The priorities of an item, by table name. */
  priorities: must('an object of priorities by table name ({ tableName: priority })', isObject),
  /** One table's priority of an item. */
  priority: must('a finite number ≥ 0', isPriority),
} as const satisfies Record<string, Check>;

/**
 * Checks `value`, found at `path` of `method`'s arguments, with `check`.
 *
 * @param method - as the message names it, e.g. `insertMany` or `ReplayService`
 * @param path - where `value` is: an argument's name (`batchSize`, `options.checkpoint.everyMs`),
 * a part of one (`items[3]`), or a description (`the priority for table "t"`)
 * @throws LaunchpadError `INVALID_ARGUMENT`: `expected batchSize to be …, got …` for an
 * argument named by its name, `items[3] must be …, got …` for anything else
 */
export function checkArgument(method: string, check: Check, value: unknown, path: string): void {
  try {
    check(value, path);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new LaunchpadError('INVALID_ARGUMENT', `${method}: ${sentence(error)}`);
  }
}

// An argument named by its name, or a field of one: `batchSize`, `options.checkpoint.everyMs`.
const ARGUMENT_NAME = /^[\w$]+(\.[\w$]+)*$/;

// A refused value printed as the errors of every layer print it (errors.ts), not as data.
function sentence(error: ShapeError): string {
  const mismatch = error.mismatch;
  if (mismatch === undefined) return error.message;
  const got = describeThrown(mismatch.value);
  return ARGUMENT_NAME.test(error.path)
    ? `expected ${error.path} to be ${mismatch.expected}, got ${got}.`
    : `${error.path} must be ${mismatch.expected}, got ${got}.`;
}
