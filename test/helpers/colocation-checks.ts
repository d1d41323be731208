/**
 * The check every launcher's colocation test makes on the actors' reports (kept apart
 * from the fixture module, which node processes import and which must not load vitest).
 */
import { expect } from 'vitest';

/** Where one actor ran. */
export interface Where {
  readonly pid: number;
  readonly parentPid: number;
  readonly thread: number;
}

/**
 * Checks that the thread-colocated actors share a process on different threads, and the
 * process-colocated ones are different processes of one parent. Returns the reports in
 * the order threaded/0, threaded/1, forked/0, forked/1.
 */
export function expectColocated(seen: Record<string, Where>): [Where, Where, Where, Where] {
  const [threadA, threadB, forkA, forkB] = ['threaded/0', 'threaded/1', 'forked/0', 'forked/1'].map(
    (id) => seen[id]!,
  ) as [Where, Where, Where, Where];
  expect(threadA.pid).toBe(threadB.pid);
  expect(threadA.thread).not.toBe(threadB.thread);
  expect(forkA.pid).not.toBe(forkB.pid);
  expect(forkA.parentPid).toBe(forkB.parentPid);
  return [threadA, threadB, forkA, forkB];
}
