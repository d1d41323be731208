/**
 * The startup timeline's probe, preloaded into a launcher with `--import` (and so into
 * each of its node threads, which run their parent's `--import`s again): it appends one
 * JSON line per event to the file named by BENCH_TIMELINE_FILE, with the wall-clock time
 * in milliseconds (`performance.timeOrigin + performance.now()`, one clock for every
 * thread and process). Events: the thread's (or process's) start and the moment this
 * probe runs (after the modules preloaded before it: tsx), the launcher's phases
 * (`launchpad-ts:launch-start`), a node's phases (`launchpad-ts:node-start`) and the
 * node's first outgoing TCP connection, opened and connected (its control link). Each
 * event carries the CPU time its thread has run so far (`cpu`, ms, from Linux's
 * `/proc/thread-self/schedstat`; absent elsewhere), which a loaded machine does not
 * inflate as it does wall time.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { subscribe } from 'node:diagnostics_channel';
import { isMainThread, threadId } from 'node:worker_threads';
import type { Socket } from 'node:net';

/** Each thread of this process by name (its `comm`) with the CPU time it has run, in ms. */
function threadsCpu(): Record<string, number> {
  const threads: Record<string, number> = {};
  try {
    for (const task of readdirSync('/proc/self/task')) {
      const name = readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim();
      const ns = Number(readFileSync(`/proc/self/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      threads[name] = (threads[name] ?? 0) + ns / 1e6;
    }
  } catch {
    // Not Linux.
  }
  return threads;
}

const file = process.env['BENCH_TIMELINE_FILE'];
const now = (): number => performance.timeOrigin + performance.now();

/** The CPU time this thread has run, in ms, or undefined where Linux's /proc is not. */
function threadCpu(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

function note(event: string, fields: Record<string, unknown> = {}, at = now()): void {
  if (file === undefined) return;
  appendFileSync(
    file,
    `${JSON.stringify({ t: at, cpu: threadCpu(), hr: Number(process.hrtime.bigint() / 1000n), pid: process.pid, thread: threadId, event, ...fields })}\n`,
  );
}

note(isMainThread ? 'process-start' : 'thread-start', {}, performance.timeOrigin);
note('probe-loaded');
subscribe('launchpad-ts:launch-start', (message) => {
  const { phase, nodeId } = message as { phase: string; nodeId?: string };
  note(phase, nodeId === undefined ? {} : { nodeId });
  if (phase === 'control-plane-up') note('threads', { threads: threadsCpu() });
});
subscribe('launchpad-ts:node-start', (message) => {
  const { phase, nodeId } = message as { phase: string; nodeId: string };
  note(phase, { nodeId });
});
// The launcher prints its nodes' output: the consumer's READY line ends the start.
if (isMainThread) {
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  let ready = false;
  process.stdout.write = (...args: unknown[]): boolean => {
    if (!ready && String(args[0]).includes('READY')) {
      ready = true;
      note('ready', { threads: threadsCpu() });
    }
    return write(...args);
  };
}
let sockets = 0;
subscribe('net.client.socket', (message) => {
  if (sockets++ > 0) return;
  note('connect-started');
  (message as { socket: Socket }).socket.once('connect', () => {
    note('connected');
  });
});
