/**
 * @module
 * Ends a node process when its parent (the launcher, or a colocation host) dies, even if
 * the node's own event loop is blocked in a long computation. The watch runs in a small
 * worker thread with its own event loop, so it keeps looking while the node's main thread
 * is busy, and kills the process as soon as it has been re-parented.
 */
import { isMainThread, Worker } from 'node:worker_threads';

const POLL_MS = 250;

const WATCHDOG_CODE = `
import('node:worker_threads').then(({ workerData }) => {
  setInterval(() => {
    if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL');
  }, ${POLL_MS});
});
`;

/**
 * Starts the watch over this process's parent (no-op inside a worker thread).
 *
 * @param parent - the pid the parent must keep: the one the starter gave in the
 * bootstrap, since `process.ppid` is already someone else's if the starter died first
 */
export function watchParent(parent: number): void {
  if (!isMainThread) return;
  const watchdog = new Worker(WATCHDOG_CODE, { eval: true, workerData: { parent } });
  // The watch must never keep a finished node process alive.
  watchdog.unref();
}
