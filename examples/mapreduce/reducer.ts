/**
 * A reducer: receives the partial counts of its partition from every map task and sums
 * them. Each map task's contribution is recorded once, so a map task that is run again
 * (after a mapper failed mid-task) is not counted twice.
 */

/** Partial counts as they travel: `[word, count]` pairs. */
export type CountEntries = [word: string, count: number][];

/** The reducer node's service. */
export class Reducer {
  private readonly jobs = new Map<string, { tasks: Set<number>; counts: Map<string, number> }>();

  /** Adds map task `task`'s partial counts for job `job`; a repeated task is ignored. */
  add(job: string, task: number, entries: CountEntries): boolean {
    if (!Array.isArray(entries)) {
      throw new Error(`Reducer.add: entries must be an array of [word, count] pairs (job ${job})`);
    }
    let state = this.jobs.get(job);
    if (state === undefined) {
      state = { tasks: new Set(), counts: new Map() };
      this.jobs.set(job, state);
    }
    if (state.tasks.has(task)) return false;
    entries.forEach(([word, count], i) => {
      if (typeof word !== 'string' || !Number.isInteger(count) || count < 1) {
        throw new Error(
          `Reducer.add: entries[${i}] must be [word, positive count], got ${JSON.stringify([word, count])}`,
        );
      }
    });
    state.tasks.add(task);
    for (const [word, count] of entries)
      state.counts.set(word, (state.counts.get(word) ?? 0) + count);
    return true;
  }

  /** The counts of job `job` (and forgets it): every word of this partition. */
  take(job: string): CountEntries {
    const counts = this.jobs.get(job)?.counts ?? new Map<string, number>();
    this.jobs.delete(job);
    return [...counts];
  }
}
