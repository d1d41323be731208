/**
 * The coordinator: hands the input files to free mappers one at a time, then gathers
 * every reducer's partition into the whole count.
 */
import type * as lp from 'launchpad-ts';
import type { Mapper } from './mapper.ts';
import type { CountEntries, Reducer } from './reducer.ts';

/** What {@link Coordinator.wordCount} returns. */
export interface WordCountResult {
  /** Every word and its count, most frequent first (ties in code-unit order). */
  readonly counts: CountEntries;
  /** Words counted. */
  readonly words: number;
  /** Map tasks run (one per file). */
  readonly mapTasks: number;
  /** Map tasks each mapper ran. */
  readonly tasksPerMapper: number[];
}

/** The coordinator node's service. */
export class Coordinator {
  private jobs = 0;

  constructor(
    private readonly mappers: lp.Client<Mapper>[],
    private readonly reducers: lp.Client<Reducer>[],
  ) {}

  /** Counts the words of `files` with the mappers and reducers. */
  async wordCount(files: string[]): Promise<WordCountResult> {
    if (!Array.isArray(files) || files.some((f) => typeof f !== 'string')) {
      throw new Error('Coordinator.wordCount: files must be an array of paths');
    }
    const job = `job-${++this.jobs}`;
    let next = 0;
    let words = 0;
    const tasksPerMapper = this.mappers.map(() => 0);
    // Each mapper takes the next file as soon as it is free: a slow mapper gets fewer.
    await Promise.all(
      this.mappers.map(async (mapper, m) => {
        while (next < files.length) {
          const task = next++;
          // Awaited first: `words += await …` would add to the total read before the wait.
          const counted = await mapper.map(job, task, files[task] ?? '');
          words += counted;
          tasksPerMapper[m] = (tasksPerMapper[m] ?? 0) + 1;
        }
      }),
    );
    const partitions = await Promise.all(this.reducers.map((r) => r.take(job)));
    const counts = partitions
      .flat()
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
    return { counts, words, mapTasks: files.length, tasksPerMapper };
  }
}
