/** The CSV side of scripts/plot-curve.ts (drawing needs Chromium, so it is run by hand). */
import { describe, expect, it } from 'vitest';
import { parseCurveCsv } from '../../scripts/plot-curve.ts';

describe('parseCurveCsv', () => {
  it('reads a header and numeric columns', () => {
    const table = parseCurveCsv('seconds,mean_return\n0,9.5\n1.5,20\n', 'curve.csv');
    expect(table.columns).toEqual(['seconds', 'mean_return']);
    expect(table.values).toEqual([
      [0, 1.5],
      [9.5, 20],
    ]);
  });

  it('names the line and column of a bad value', () => {
    expect(() => parseCurveCsv('a,b\n1,2\n3,x\n', 'c.csv')).toThrow(
      'c.csv:3: column "b" holds "x", not a number',
    );
    expect(() => parseCurveCsv('a,b\n1\n', 'c.csv')).toThrow('c.csv:2: 1 values');
  });
});
