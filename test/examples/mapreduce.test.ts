/**
 * The MapReduce example counts exactly what one process counts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as lp from 'launchpad-ts';
import { corpusFiles, generateText } from '../../examples/mapreduce/corpus.ts';
import { makeProgram } from '../../examples/mapreduce/program.ts';
import { Reducer } from '../../examples/mapreduce/reducer.ts';
import { countWords, tokenize } from '../../examples/mapreduce/word-count.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('mapreduce word count', () => {
  it('equals a single-process count exactly, word by word', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mapreduce-'));
    dirs.push(dir);
    // Beyond the shipped corpus: accents, apostrophes, digits and an empty file.
    const extra = join(dir, 'extra.txt');
    writeFileSync(extra, "Élan, élan! The keeper's lantern; don't 42 count 7 THE the\n");
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const files = [...corpusFiles(), extra, empty];
    const expected = new Map<string, number>();
    for (const file of files) countWords(readFileSync(file, 'utf8'), expected);

    const { program, coordinator } = makeProgram(3, 2);
    await using running = lp.launch(program, { launchType: 'in-process' });
    const result = await running.client(coordinator).wordCount(files);

    expect(new Map(result.counts)).toEqual(expected);
    expect(result.counts).toHaveLength(expected.size);
    expect(result.words).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    expect(result.mapTasks).toBe(files.length);
    expect(result.tasksPerMapper.reduce((a, b) => a + b, 0)).toBe(files.length);
    expect(expected.get('élan')).toBe(2);
    expect(expected.get("keeper's")).toBe(1);
  });

  it('tokenizes letters only, lower-cased, keeping inner apostrophes', () => {
    expect(tokenize("The keeper's LAMP, 3 o'clock-ish!")).toEqual([
      'the',
      "keeper's",
      'lamp',
      "o'clock",
      'ish',
    ]);
  });

  it('generates the same corpus text from the same seed', () => {
    expect(generateText(5, 20)).toBe(generateText(5, 20));
    expect(generateText(5, 20)).not.toBe(generateText(6, 20));
  });
});

describe('Reducer', () => {
  it('counts a repeated map task once, and names a bad entry', () => {
    const reducer = new Reducer();
    expect(reducer.add('j', 0, [['tide', 2]])).toBe(true);
    expect(reducer.add('j', 0, [['tide', 2]])).toBe(false);
    expect(
      reducer.add('j', 1, [
        ['tide', 1],
        ['gull', 3],
      ]),
    ).toBe(true);
    expect(new Map(reducer.take('j'))).toEqual(
      new Map([
        ['tide', 3],
        ['gull', 3],
      ]),
    );
    expect(() => reducer.add('j', 2, [['tide', 0]])).toThrow(
      /Reducer\.add: entries\[0\] must be \[word, positive count\], got \["tide",0\]/,
    );
  });
});
