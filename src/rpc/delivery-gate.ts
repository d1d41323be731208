/**
 * @module
 * {@link deliverInTurn}: hands received frames to their handlers at once, unless frame
 * handling has already held this thread's event loop for {@link BUSY_TURN_MS} since the
 * loop last turned; then the frame waits for `setImmediate`, after pending I/O, in
 * arrival order.
 *
 * Why: a frame's handler resolves a promise, and the code awaiting it runs in the
 * microtasks right after the handler, before the thread reads anything else. A learner
 * that loops over `sample` results (a `sampleStream`) does its whole update step there.
 * Node delivers every message queued on a MessagePort in one go (up to 1,000), including
 * those that arrive meanwhile, so when the replay thread answers each call before the
 * learner has finished the batch before it, the learner's loop never leaves that port:
 * a call from an actor, queued on another port, waited for hundreds of batches under
 * `threads`. A socket read, by contrast, returns what has arrived and the loop moves on.
 */

/** Frame handling may hold the event loop this long before frames wait for it to turn. */
export const BUSY_TURN_MS = 1;

type Handler = (value: never) => void;

// Frames waiting for the loop to turn, oldest first, across every channel of the thread,
// so each channel's frames keep their order.
let handlers: (Handler | undefined)[] = [];
let values: unknown[] = [];
let head = 0;
// When the first frame since the loop last turned was handed out; -1: none yet.
let turnStart = -1;
let turnMarked = false;

function markTurn(): void {
  turnMarked = false;
  turnStart = -1;
}

function startTurn(now: number): void {
  turnStart = now;
  if (turnMarked) return;
  turnMarked = true;
  setImmediate(markTurn);
}

// One waiting frame per `setImmediate` callback: Node runs microtasks between them, so the
// work a frame starts ends before the next frame is handed out.
function deliverWaiting(): void {
  const handler = handlers[head];
  const value = values[head];
  handlers[head] = undefined;
  values[head] = undefined;
  if (++head === handlers.length) {
    handlers = [];
    values = [];
    head = 0;
  }
  startTurn(performance.now());
  (handler as (value: unknown) => void)(value);
}

/**
 * Calls `handler(value)` now, or after the event loop has turned when frame handling has
 * held it for {@link BUSY_TURN_MS} already (or frames are waiting, to keep their order).
 */
export function deliverInTurn<T>(handler: (value: T) => void, value: T): void {
  if (head === handlers.length) {
    const now = performance.now();
    if (turnStart < 0) {
      startTurn(now);
      handler(value);
      return;
    }
    if (now - turnStart < BUSY_TURN_MS) {
      handler(value);
      return;
    }
  }
  handlers.push(handler);
  values.push(value);
  setImmediate(deliverWaiting);
}
