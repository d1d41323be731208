/**
 * @module
 * Waiting for a connection within a caller's bounds: a deadline (which a black-holed
 * address would otherwise make the kernel's minutes) and an abort signal.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { LaunchpadError } from '../errors/errors.ts';
import { DirectReads, directReads } from './direct-read.ts';
import { onAbort } from '../internal/abort-listeners.ts';
import { LongTimeout } from '../internal/long-timeout.ts';
import { thrownAsError } from '../errors/thrown.ts';

/** Connects to `host:port`, or fails with `UNAVAILABLE` once `deadline` has passed. */
export function connectSocket(address: string, deadline: number): Promise<Socket> {
  const separator = address.lastIndexOf(':');
  const host = address.slice(0, separator).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(separator + 1));
  // Reads land straight in the frame being gathered (see direct-read.ts).
  const reads = new DirectReads();
  const socket = connectTcp({ host, port, onread: reads.onread });
  directReads.set(socket, reads);
  // A black-holed address would otherwise take the kernel's minutes to fail.
  return settleConnect(socket, deadline);
}

/**
 * Connects to the Unix socket at `path` within the same bounds; rejects with the OS's
 * error (`ENOENT`, `ECONNREFUSED`) when nothing listens there.
 */
export function connectLocalSocket(path: string, deadline: number): Promise<Socket> {
  const reads = new DirectReads();
  const socket = connectTcp({ path, onread: reads.onread });
  directReads.set(socket, reads);
  return settleConnect(socket, deadline);
}

function settleConnect(socket: Socket, deadline: number): Promise<Socket> {
  const connected = new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
  return beforeDeadline(connected, deadline, () => socket.destroy());
}

/**
 * Settles like `promise`, or rejects with UNAVAILABLE once `deadline` (a `Date.now()` time)
 * has passed, after calling `onTimeout` to release what the promise was waiting on.
 */
export function beforeDeadline<TValue>(
  promise: Promise<TValue>,
  deadline: number,
  onTimeout?: () => void,
): Promise<TValue> {
  if (!Number.isFinite(deadline)) return promise;
  return new Promise<TValue>((resolve, reject) => {
    // A long timer: a deadline 30 days away must not fire at once (nor after 24.8 days).
    const timer = new LongTimeout(() => {
      onTimeout?.();
      reject(new LaunchpadError('UNAVAILABLE', 'the deadline passed before a connection was made'));
    }, deadline - Date.now());
    promise.then(
      (value) => {
        timer.clear();
        resolve(value);
      },
      (error: unknown) => {
        timer.clear();
        reject(thrownAsError(error));
      },
    );
  });
}

/** Settles like `promise`, or rejects with `error()` as soon as `signal` aborts. */
export function untilAborted<TValue>(
  promise: Promise<TValue>,
  signal: AbortSignal | undefined,
  error: () => Error,
): Promise<TValue> {
  if (signal === undefined) return promise;
  return new Promise<TValue>((resolve, reject) => {
    // One listener per signal however many calls wait on it (see abort-listeners.ts).
    const stopListening = onAbort(signal, () => {
      reject(error());
    });
    promise.then(resolve, reject).finally(stopListening);
  });
}
