/**
 * A mapper: counts the words of one input file, splits the counts by owning reducer,
 * and hands each reducer its share.
 */
import { readFile } from 'node:fs/promises';
import type * as lp from 'launchpad-ts';
import type { CountEntries, Reducer } from './reducer.ts';
import { countWords, partitionOf } from './word-count.ts';

/** The mapper node's service. */
export class Mapper {
  constructor(private readonly reducers: lp.Client<Reducer>[]) {}

  /** Map task `task` of job `job`: counts `file` and sends the counts; returns its words. */
  async map(job: string, task: number, file: string): Promise<number> {
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new Error(`Mapper.map: cannot read file ${file} (task ${task})`, { cause: error });
    });
    const partitions: CountEntries[] = this.reducers.map(() => []);
    let words = 0;
    for (const [word, count] of countWords(text)) {
      partitions[partitionOf(word, this.reducers.length)]?.push([word, count]);
      words += count;
    }
    await Promise.all(this.reducers.map((r, i) => r.add(job, task, partitions[i] ?? [])));
    return words;
  }
}
