/**
 * @module
 * A small declarative checker of plain data (decoded JSON, option objects): a shape is
 * written once as a table of fields, and every mismatch is reported in one wording that
 * names the value's path (`slurm.groups.learner.cpus`, `restart["learner"].maxRestarts`).
 *
 * Chosen over a schema library because the launcher needs only a handful of forms, must
 * word its errors its own way (naming launch options and node ids), and must stay free of
 * dependencies in every node process, which reads its bootstrap through this too.
 */

/** A short printable form of a value found in data: JSON where it has one. */
function describeDataValue(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol' || typeof value === 'bigint') return value.toString();
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value);
  } catch {
    return 'a value that is not JSON';
  }
}

/** One mismatch: where it is, and what is wrong there. */
export class ShapeError extends Error {
  /** The path of the offending value, e.g. `groups.learner.cpus`; `''` for the root. */
  readonly path: string;
  /** The rest of the sentence after the path. */
  readonly problem: string;
  /** For an object with a key it does not allow: that key, and the allowed ones. */
  readonly unknownKey: { readonly key: string; readonly allowed: readonly string[] } | undefined;
  /**
   * For a value of the wrong form: what it must be (`a whole number ≥ 0`) and the value
   * found, so that a caller may word the sentence its own way.
   */
  readonly mismatch: { readonly expected: string; readonly value: unknown } | undefined;

  /**
   * @param path - where the value is
   * @param problem - the rest of the sentence after the path
   * @param unknownKey - the key refused, for an unknown key
   * @param mismatch - what the value must be and the value, for a value of the wrong form
   */
  constructor(
    path: string,
    problem: string,
    unknownKey?: { readonly key: string; readonly allowed: readonly string[] },
    mismatch?: { readonly expected: string; readonly value: unknown },
  ) {
    super(path === '' ? problem : `${path} ${problem}`);
    this.name = 'ShapeError';
    this.path = path;
    this.problem = problem;
    this.unknownKey = unknownKey;
    this.mismatch = mismatch;
  }
}

// The one wording of a value of the wrong form.
function mismatch(path: string, expected: string, value: unknown): ShapeError {
  return new ShapeError(path, `must be ${expected}, got ${describeDataValue(value)}.`, undefined, {
    expected,
    value,
  });
}

/** Checks a value found at `path`; throws a {@link ShapeError} on a mismatch. */
export type Check = (value: unknown, path: string) => void;

// A phantom brand, in types only: the type of the values a shape accepts.
declare const shapeOf: unique symbol;

/** A {@link Check} that says, in its type, what the values it accepts are. */
export type Shape<T> = Check & { readonly [shapeOf]?: T };

/** The value must be what `test` accepts, described to the user as `expected`. */
export function must(expected: string, test: (value: unknown) => boolean): Check {
  return (value, path) => {
    if (!test(value)) throw mismatch(path, expected, value);
  };
}

/** A string (optionally matching `pattern`), described as `expected`. */
export function string(expected = 'a string', pattern?: RegExp): Check {
  return must(
    expected,
    (value) => typeof value === 'string' && (pattern === undefined || pattern.test(value)),
  );
}

/** A boolean. */
export const boolean: Check = must('true or false', (value) => typeof value === 'boolean');

/** A whole number from `min` (default 0) to `max`. */
export function integer(min = 0, max = Number.MAX_SAFE_INTEGER): Check {
  const expected =
    min === 0
      ? 'a whole number ≥ 0'
      : min === 1
        ? 'a positive whole number'
        : `a whole number ≥ ${String(min)}`;
  return must(
    max === Number.MAX_SAFE_INTEGER ? expected : `${expected} and ≤ ${String(max)}`,
    (value) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
  );
}

/** A number ≥ 0 (not NaN). */
export const nonNegative: Check = must(
  'a number ≥ 0',
  (value) => typeof value === 'number' && value >= 0,
);

/** One of `values`. */
export function oneOf(values: readonly unknown[]): Check {
  return must(`one of ${values.map((value) => describeDataValue(value)).join(', ')}`, (value) =>
    values.includes(value),
  );
}

/** Either check passes; the error describes both. */
export function either(first: Check, second: Check, expected: string): Check {
  return (value, path) => {
    try {
      first(value, path);
    } catch {
      try {
        second(value, path);
      } catch {
        throw mismatch(path, expected, value);
      }
    }
  };
}

/** `null` or what `check` accepts. */
export function nullable(check: Check): Check {
  return (value, path) => {
    if (value !== null) check(value, path);
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An array whose every item passes `item` (paths `name[0]`, `name[1]`, …). */
export function arrayOf(item: Check, expected = 'a list'): Check {
  return (value, path) => {
    if (!Array.isArray(value)) {
      throw mismatch(path, expected, value);
    }
    value.forEach((entry, index) => {
      item(entry, `${path}[${String(index)}]`);
    });
  };
}

/** A plain object whose every value passes `entry` (paths `name["key"]`, node ids and labels). */
export function recordOf(entry: Check, expected = 'an object'): Check {
  return (value, path) => {
    if (!isRecord(value)) {
      throw mismatch(path, expected, value);
    }
    for (const [key, item] of Object.entries(value)) entry(item, `${path}[${JSON.stringify(key)}]`);
  };
}

/** The fields of an object shape, each with its check. */
export type Fields = Readonly<Record<string, Check>>;

/**
 * A plain object with these fields and no others. A field that is absent (or
 * `undefined`) is not checked unless it is listed in `required`. An unknown key is
 * refused, naming it and the allowed ones, since a misspelled option silently ignored is
 * worse than an error.
 */
export function object(fields: Fields, required: readonly string[] = []): Check {
  const allowed = Object.keys(fields);
  return (value, path) => {
    if (!isRecord(value)) {
      throw mismatch(path, 'an object', value);
    }
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(fields, key)) {
        throw new ShapeError(
          path,
          `has no key "${key}"; the allowed keys are: ${allowed.join(', ')}.`,
          { key, allowed },
        );
      }
    }
    for (const [key, check] of Object.entries(fields)) {
      const field = value[key];
      if (field === undefined) {
        if (required.includes(key)) throw new ShapeError(fieldPath(path, key), 'is missing.');
        continue;
      }
      check(field, fieldPath(path, key));
    }
  };
}

/**
 * A plain object with at least these fields: like {@link object}, but other keys are
 * ignored rather than refused. For data a newer version may have written with more in it
 * (a launch record, a history line), where what is known is checked and the rest is not
 * read.
 */
export function objectWithFields(fields: Fields, required: readonly string[] = []): Check {
  return (value, path) => {
    if (!isRecord(value)) {
      throw mismatch(path, 'an object', value);
    }
    for (const [key, check] of Object.entries(fields)) {
      const field = Object.hasOwn(value, key) ? value[key] : undefined;
      if (field === undefined) {
        if (required.includes(key)) throw new ShapeError(fieldPath(path, key), 'is missing.');
        continue;
      }
      check(field, fieldPath(path, key));
    }
  };
}

/**
 * The path of field `key` under `path`: `path.key` for an identifier (just `key` at the
 * root), `path["key"]` for anything else.
 */
export function fieldPath(path: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}
