/**
 * The diagnostics thread's own socket, asked directly: it refuses a request without the
 * launch's secret and answers one with it, loading the inspector and crypto only when the
 * first request comes (an idle node never asked for a dump does not hold them).
 */
import { connect } from 'node:net';
import { isMainThread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startDiagnosticsThread } from '../../src/node/diagnostics-thread.ts';

/** Sends one request line to `address` (`host:port`) and returns the parsed answer line. */
function ask(address: string, request: unknown): Promise<Record<string, unknown>> {
  const colon = address.lastIndexOf(':');
  const socket = connect(Number(address.slice(colon + 1)), address.slice(0, colon));
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('error', reject);
    socket.once('close', () => {
      try {
        resolve(JSON.parse(text) as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.write(`${JSON.stringify(request)}\n`);
  });
}

describe('the diagnostics thread', () => {
  // Inside a worker thread it would reach the process's main thread, so it does not start.
  it.skipIf(!isMainThread)(
    'refuses a wrong secret, then answers a stack request with the right one',
    async () => {
      const address = await startDiagnosticsThread('the-secret', {});
      expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
      if (address === undefined) return;
      expect(await ask(address, { secret: 'not-it', op: 'stack' })).toEqual({
        error: 'wrong secret',
      });
      expect(await ask(address, { secret: 'the-secret', op: 'nothing' })).toEqual({
        error: 'unknown request',
      });
      // The test runner may be running JavaScript on this thread or not: idle or frames.
      const answer = await ask(address, { secret: 'the-secret', op: 'stack' });
      const stack = answer['stack'] as { pid?: unknown; idle?: unknown; frames?: unknown };
      expect(stack.pid).toBe(process.pid);
      expect(typeof stack.idle).toBe('boolean');
      expect(Array.isArray(stack.frames)).toBe(true);
    },
  );
});
