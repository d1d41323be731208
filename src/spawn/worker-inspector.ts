/**
 * @module
 * Stack dumps and CPU profiles of this process's worker threads (node threads under
 * `threads`, a colocation host's threads), taken from the thread that started them
 * through the inspector's `NodeWorker` domain. A node's own helper thread could not do
 * it: inside a worker, the inspector's `connectToMainThread()` reaches the process's main
 * thread, not the worker. V8 interrupts a worker's running JavaScript to pause or profile
 * it, so a worker blocked in a busy loop answers too.
 */
import type { Session } from 'node:inspector';
import { inspector } from '../internal/lazy-builtins.ts';
import { IDLE_AFTER_MS, type CpuProfile, type StackSample } from '../protocol/diagnostics.ts';

interface InspectorMessage {
  readonly id?: number;
  readonly method?: string;
  readonly params?: Record<string, unknown>;
  readonly result?: unknown;
  readonly error?: { readonly message: string };
}

interface PausedFrame {
  readonly functionName: string;
  readonly url?: string;
  readonly location: { readonly scriptId: string; lineNumber: number; columnNumber?: number };
}

/** Stack dumps and CPU profiles of the worker threads this thread started. */
export class WorkerInspector {
  // One request per worker at a time: a worker has one debugger.
  readonly #queues = new Map<number, Promise<unknown>>();

  /** The stack of worker `threadId` now (idle when it runs no JavaScript). */
  stack(threadId: number): Promise<StackSample> {
    return this.#queued(threadId, (worker) => sampleStack(worker));
  }

  /** A CPU profile of worker `threadId` over `durationMs`. */
  profile(threadId: number, durationMs: number): Promise<CpuProfile> {
    return this.#queued(threadId, async (worker) => {
      await worker.send('Profiler.enable');
      try {
        await worker.send('Profiler.start');
        await delay(durationMs);
        const { profile } = (await worker.send('Profiler.stop')) as { profile: CpuProfile };
        return profile;
      } finally {
        await worker.send('Profiler.disable').catch(() => undefined);
      }
    });
  }

  #queued<T>(threadId: number, run: (worker: WorkerSession) => Promise<T>): Promise<T> {
    const previous = this.#queues.get(threadId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const worker = await WorkerSession.open(threadId);
        try {
          return await run(worker);
        } finally {
          worker.close();
        }
      });
    this.#queues.set(threadId, next);
    return next;
  }
}

async function sampleStack(worker: WorkerSession): Promise<StackSample> {
  const urls = new Map<string, string>();
  worker.on('Debugger.scriptParsed', (params) => {
    urls.set(String(params['scriptId']), String(params['url']));
  });
  const paused = new Promise<readonly PausedFrame[]>((resolve) => {
    worker.on('Debugger.paused', (params) => {
      resolve(params['callFrames'] as readonly PausedFrame[]);
    });
  });
  try {
    await worker.send('Debugger.enable');
    await worker.send('Debugger.pause');
    const frames = await Promise.race([paused, delay(IDLE_AFTER_MS)]);
    if (frames === undefined) return { idle: true, frames: [] };
    return {
      idle: false,
      frames: frames.map((frame) => ({
        functionName: frame.functionName,
        // V8 gives an empty url in a worker: the script's own event names it.
        url:
          frame.url === undefined || frame.url === ''
            ? (urls.get(frame.location.scriptId) ?? '')
            : frame.url,
        lineNumber: frame.location.lineNumber,
        columnNumber: frame.location.columnNumber ?? 0,
      })),
    };
  } finally {
    // Resumes a paused worker, and cancels a pause still pending on an idle one.
    await worker.send('Debugger.disable').catch(() => undefined);
  }
}

/**
 * An inspector session of this thread attached to one worker, for one request: a
 * session left attached would hold the worker's exit up ("Waiting for the debugger to
 * disconnect").
 */
class WorkerSession {
  readonly #session: Session;
  readonly #sessionId: string;
  readonly #replies = new Map<number, (message: InspectorMessage) => void>();
  readonly #events = new Map<string, (params: Record<string, unknown>) => void>();
  #nextId = 0;

  private constructor(session: Session, sessionId: string) {
    this.#session = session;
    this.#sessionId = sessionId;
    session.on('NodeWorker.receivedMessageFromWorker', ({ params }) => {
      if (params.sessionId !== sessionId) return;
      const message = JSON.parse(params.message) as InspectorMessage;
      if (message.id !== undefined) {
        this.#replies.get(message.id)?.(message);
        this.#replies.delete(message.id);
      } else if (message.method !== undefined) {
        this.#events.get(message.method)?.(message.params ?? {});
      }
    });
  }

  /** Attaches to worker `threadId`. */
  static async open(threadId: number): Promise<WorkerSession> {
    const session = new (inspector().Session)();
    session.connect();
    try {
      // Each worker running now attaches in an event that follows NodeWorker.enable.
      const attached = new Promise<string>((resolve) => {
        session.on('NodeWorker.attachedToWorker', ({ params }) => {
          if (threadIdOf(params.workerInfo.title) === threadId) resolve(params.sessionId);
        });
      });
      await new Promise<void>((resolve, reject) => {
        session.post('NodeWorker.enable', { waitForDebuggerOnStart: false }, (error) => {
          if (error === null) resolve();
          else reject(error);
        });
      });
      const sessionId = await Promise.race([attached, delay(IDLE_AFTER_MS * 4)]);
      if (sessionId === undefined) throw new Error(`worker thread ${String(threadId)} is gone`);
      return new WorkerSession(session, sessionId);
    } catch (error) {
      session.disconnect();
      throw error;
    }
  }

  /** Calls `handler` with the params of each `method` event of the worker. */
  on(method: string, handler: (params: Record<string, unknown>) => void): void {
    this.#events.set(method, handler);
  }

  /** Sends `method` to the worker's inspector; resolves with its result. */
  send(method: string, params: object = {}): Promise<unknown> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#replies.set(id, (message) => {
        if (message.error === undefined) resolve(message.result);
        else reject(new Error(message.error.message));
      });
      this.#session.post(
        'NodeWorker.sendMessageToWorker',
        { sessionId: this.#sessionId, message: JSON.stringify({ id, method, params }) },
        (error) => {
          if (error === null) return;
          this.#replies.delete(id);
          reject(error);
        },
      );
    });
  }

  /** Detaches from the worker. */
  close(): void {
    this.#session.disconnect();
  }
}

// The inspector numbers workers its own way (a loader hooks thread counts too); the
// title, `[worker <threadId>]`, names the thread.
function threadIdOf(title: string): number | undefined {
  const match = /^\[worker (\d+)\]/.exec(title);
  return match === null ? undefined : Number(match[1]);
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => {
    setTimeout(() => {
      resolve(undefined);
    }, ms);
  });
}
