/**
 * The diagnostics thread's own socket, asked directly: it refuses a request without the
 * launch's secret and answers one with it, loading the inspector and crypto only when the
 * first request comes (an idle node never asked for a dump does not hold them). A stack
 * dump does not wait for a profile that records. A profile
 * larger than the kernel holds reaches a reader that takes its time whole, and a reader
 * that takes nothing is cut off.
 */
import { connect, type Socket } from 'node:net';
import { runInNewContext } from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startDiagnosticsThread } from '../../src/node/diagnostics-thread.ts';
import {
  DIAGNOSTICS_LINGER_MS,
  DIAGNOSTICS_STALL_MS,
  MAX_PROFILE_MS,
} from '../../src/protocol/diagnostics.ts';
import { askDiagnostics } from '../helpers/diagnostics-request.ts';

describe('the diagnostics thread', () => {
  // Inside a worker thread it would reach the process's main thread, so it does not start.
  it.skipIf(!isMainThread)(
    'refuses a wrong secret, then answers a stack request with the right one',
    async () => {
      const address = await startDiagnosticsThread('the-secret', {});
      expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
      if (address === undefined) return;
      expect(await askDiagnostics(address, { secret: 'not-it', op: 'stack' })).toEqual({
        error: 'wrong secret',
      });
      expect(await askDiagnostics(address, { secret: 'the-secret', op: 'nothing' })).toEqual({
        error: 'unknown request',
      });
      // The test runner may be running JavaScript on this thread or not: idle or frames.
      const answer = await askDiagnostics(address, { secret: 'the-secret', op: 'stack' });
      const stack = answer['stack'] as { pid?: unknown; idle?: unknown; frames?: unknown };
      expect(stack.pid).toBe(process.pid);
      expect(typeof stack.idle).toBe('boolean');
      expect(Array.isArray(stack.frames)).toBe(true);
    },
  );

  it.skipIf(!isMainThread)('answers a stack dump while a profile records', async () => {
    const address = await startDiagnosticsThread('the-secret', {});
    if (address === undefined) return;
    const recording = pausedRequest(address, {
      secret: 'the-secret',
      op: 'profile',
      durationMs: MAX_PROFILE_MS,
    });
    try {
      await recording.sent;
      const answer = await askDiagnostics(address, { secret: 'the-secret', op: 'stack' });
      expect((answer['stack'] as { pid?: unknown }).pid).toBe(process.pid);
    } finally {
      recording.close();
    }
  });

  it.skipIf(!isMainThread)(
    'sends a profile larger than the kernel holds whole to a reader that takes its time',
    async () => {
      const address = await startDiagnosticsThread('the-secret', {});
      if (address === undefined) return;
      const slow = pausedRequest(address, {
        secret: 'the-secret',
        op: 'profile',
        durationMs: 1000,
      });
      await slow.sent;
      runDeepStacks(1500);
      // The thread answers in turn, so this profile ends after the slow reader's answer
      // was written, and lasts longer than the thread lingers after an answer.
      await askDiagnostics(address, {
        secret: 'the-secret',
        op: 'profile',
        durationMs: DIAGNOSTICS_LINGER_MS + 500,
      });
      const text = await slow.readAll();
      // More than the kernel's buffers hold (about 4 MB on loopback), else nothing waits.
      expect(text.length).toBeGreaterThan(8 * 1024 * 1024);
      const answer = JSON.parse(text) as { profile?: { nodes?: unknown[] } };
      expect(answer.profile?.nodes?.length).toBeGreaterThan(1000);
    },
  );

  it.skipIf(!isMainThread)('cuts off a reader that takes nothing of a large answer', async () => {
    const address = await startDiagnosticsThread('the-secret', {});
    if (address === undefined) return;
    const stuck = pausedRequest(address, { secret: 'the-secret', op: 'profile', durationMs: 1000 });
    await stuck.sent;
    runDeepStacks(1500);
    // Ends after the stuck reader's answer was written, and after the thread gave up on it.
    await askDiagnostics(address, {
      secret: 'the-secret',
      op: 'profile',
      durationMs: DIAGNOSTICS_STALL_MS + 1000,
    });
    // What the kernel held arrives, then the end: not the whole line.
    const text = await stuck.readAll();
    expect(text.length).toBeGreaterThan(0);
    expect(text.endsWith('\n')).toBe(false);
  });
});

/**
 * A request whose answer is left unread (the socket paused) until `readAll()`, or never
 * read when `close()` ends it.
 */
function pausedRequest(
  address: string,
  request: unknown,
): { sent: Promise<void>; readAll: () => Promise<string>; close: () => void } {
  const colon = address.lastIndexOf(':');
  const socket: Socket = connect(Number(address.slice(colon + 1)), address.slice(0, colon));
  socket.pause();
  const chunks: Buffer[] = [];
  const closed = new Promise<string>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
  const sent = new Promise<void>((resolve, reject) => {
    socket.write(`${JSON.stringify(request)}\n`, (error) => {
      if (error) reject(error);
      else resolve();
    });
  });
  return {
    sent,
    readAll: () => {
      socket.resume();
      return closed;
    },
    close: () => {
      socket.destroy();
    },
  };
}

/**
 * Runs JavaScript on this thread for `ms`, in call stacks 200 frames deep of functions
 * with long names along a new path every few milliseconds: each path is new nodes of a
 * CPU profile, so a profile of this thread is tens of megabytes.
 */
function runDeepStacks(ms: number): void {
  type Step = (path: readonly number[], at: number, until: number) => number;
  const table: { fns: Step[]; step: Step } = {
    fns: [],
    step: (path, at, until) => {
      if (at === path.length) {
        let spins = 0;
        while (Date.now() < until) spins += 1;
        return spins;
      }
      const next = table.fns[path[at] ?? 0];
      return next === undefined ? 0 : next(path, at + 1, until);
    },
  };
  // Two functions of their own source, so two names in the profile, each 1,500 characters.
  const source = (bit: number): string =>
    `(function deep${String(bit)}_${'x'.repeat(1500)}(path, at, until) { return step(path, at, until); })`;
  const made = runInNewContext(`[${source(0)}, ${source(1)}]`, { step: table.step }) as Step[];
  table.fns = made;
  const end = Date.now() + ms;
  for (let until = Date.now(); until < end;) {
    until = Math.min(end, Date.now() + 25);
    const path = Array.from({ length: 200 }, () => (Math.random() < 0.5 ? 0 : 1));
    table.step(path, 0, until);
  }
}
