/**
 * What `catch` hands over is turned into a message or an `Error` by `thrownMessage` and
 * `thrownAsError` (`src/errors/thrown.ts`), not by a ternary written out again at each
 * catch: one place decides how a thrown non-Error reads.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { thrownAsError, thrownMessage } from '../../src/errors/thrown.ts';
import { ROOT } from '../helpers/scripts.ts';

/** Hand-written normalising: `e instanceof Error ? e.message : String(e)` and its kin. */
const HAND_WRITTEN = [
  /instanceof Error\s*\?\s*[\w.]+\.message\s*:\s*String\(/,
  /instanceof Error\s*\?\s*\w+\s*:\s*new Error\(String\(/,
  /\(\w+ as Error\)\.message/,
];

/**
 * Files that still normalise by hand, which may only shrink. `src/internal/` may not import
 * `src/errors/` (the layers), and there the casts read what `node:fs` threw.
 */
const NOT_YET = new Set(['src/internal/private-folder.ts', 'src/internal/regular-file.ts']);

describe('thrown values', () => {
  it('read as a message and as an Error the same way, whatever was thrown', () => {
    const error = new RangeError('out of range');
    expect(thrownMessage(error)).toBe('out of range');
    expect(thrownAsError(error)).toBe(error);
    for (const [thrown, text] of [
      ['a string', 'a string'],
      [42, '42'],
      [undefined, 'undefined'],
      [null, 'null'],
    ] as const) {
      expect(thrownMessage(thrown)).toBe(text);
      const wrapped = thrownAsError(thrown);
      expect(wrapped).toBeInstanceOf(Error);
      expect(wrapped.message).toBe(text);
    }
  });

  it('are normalised by thrown.ts, not by hand, in src/', () => {
    const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join('src', name))
      .filter((file) => file !== join('src', 'errors', 'thrown.ts'));
    const byHand = files.filter((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return HAND_WRITTEN.some((pattern) => pattern.test(text));
    });
    expect(byHand.filter((file) => !NOT_YET.has(file))).toEqual([]);
  });
});
