/**
 * @module
 * Starting one node in a worker thread of the launcher's process, with its output
 * prefixed like a node process's, and following it to its end.
 */
import type { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { threadBootstrapCode, threadExecArgv } from './node-command.ts';
import { BOOTSTRAP_WORKER_KEY } from '../protocol/node-spec.ts';
import { unitEndingWith, type Unit, type UnitExit, type UnitLaunch } from './unit.ts';
import { nodePrefix, prefixLines } from './output-prefixer.ts';
import { threadLimits } from './thread-limits.ts';
import { mapNodeBundleFrames } from '../internal/node-bundle-frames.ts';
import { thrownMessage } from '../errors/thrown.ts';

/** Starts one node's worker thread. */
export function startNodeThread(
  unit: UnitLaunch,
  output: { stdout: Writable; stderr: Writable; colour?: boolean },
  onWorker?: (worker: Worker) => void,
): Unit {
  const worker = new Worker(threadBootstrapCode(), {
    eval: true,
    execArgv: threadExecArgv(),
    argv: [...unit.args],
    env: { ...process.env, ...unit.resources.env },
    // Not in env: the thread's environment is a copy that the node's code can read.
    workerData: { [BOOTSTRAP_WORKER_KEY]: JSON.stringify(unit.bootstrap) },
    stdout: true,
    stderr: true,
    resourceLimits: threadLimits(unit.nodeId, unit.resources),
  });
  onWorker?.(worker);
  const prefix = nodePrefix(unit.nodeId, unit.index, output.stdout, output.colour);
  const drained = Promise.all([
    prefixLines(worker.stdout, output.stdout, prefix),
    prefixLines(worker.stderr, output.stderr, prefix),
  ]);
  let running = true;
  let killed = false;
  const exited = new Promise<UnitExit>((resolve) => {
    worker.once('error', (error) => {
      // An uncaught error ends the thread; the exit event follows with code 1.
      // Whatever the thread threw: `throw 'text'` in a timer gives no Error here.
      const text = error instanceof Error ? (error.stack ?? error.message) : thrownMessage(error);
      output.stderr.write(`${prefix} ${mapNodeBundleFrames(text)}\n`);
    });
    worker.once('exit', (code) => {
      running = false;
      void drained.then(() => {
        resolve(killed ? { code: null, signal: 'SIGKILL' } : { code, signal: null });
      });
    });
  });
  // Not running from the thread's exit on, while its last output is still being copied.
  return unitEndingWith(
    exited,
    () => {
      killed = true;
      void worker.terminate();
    },
    () => running,
  );
}
