/**
 * Source maps read when a frame needs one (`src/internal/source-maps.ts`): a position of a
 * JavaScript file maps through the map beside it, and a map that is missing, unreadable
 * or names a source that makes no URL leaves the position as it ran, without throwing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { originalPosition } from '../../src/internal/source-maps.ts';

const folder = mkdtempSync(join(tmpdir(), 'lp-source-maps-'));
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** Writes `name` with one line, and beside it `mapText` as its map (when given). */
function script(name: string, mapText?: string): string {
  const file = join(folder, name);
  writeFileSync(file, 'export const x = 1;\n');
  if (mapText !== undefined) writeFileSync(`${file}.map`, mapText);
  return file;
}

// Line 0, column 0 of the file comes from line 2 (0-based), column 4 of ../src/a.ts.
const MAP = { version: 3, sources: ['../src/a.ts'], names: [], mappings: 'AAEI' };

describe('originalPosition', () => {
  it('maps a position through the map beside the file, its source relative to the map', () => {
    const file = script('mapped.js', JSON.stringify(MAP));
    expect(originalPosition(file, 0, 0)).toEqual({
      url: pathToFileURL(join(folder, '../src/a.ts')).href,
      line: 2,
      column: 4,
    });
  });

  it('leaves a position as it ran when the file has no map, or one it cannot read', () => {
    expect(originalPosition(script('unmapped.js'), 0, 0)).toBeUndefined();
    expect(originalPosition(script('garbled.js', '{"version": 3, "mappi'), 0, 0)).toBeUndefined();
    expect(originalPosition(script('not-a-map.js', 'null'), 0, 0)).toBeUndefined();
  });

  it('leaves a position as it ran when the map names a source that makes no URL', () => {
    const file = script('bad-source.js', JSON.stringify({ ...MAP, sources: ['http://['] }));
    expect(originalPosition(file, 0, 0)).toBeUndefined();
  });
});
