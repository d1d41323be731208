/**
 * @module
 * A {@link Peer} is this process's channel to one node: it resolves the node's address,
 * connects and authenticates (waiting for the node to come up), multiplexes calls over
 * the connection, and rejects every pending call when the connection drops.
 */
import { isHandle } from './handle-ref.ts';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LaunchpadError } from '../errors/errors.ts';
import { callOptionsProblem, DEFAULT_CALL_OPTIONS, type CallOptions } from './call-options.ts';
import {
  beforeDeadline,
  connectLocalSocket,
  connectSocket,
  untilAborted,
} from './connect-within.ts';
import { hostIdentity, parseAddress, unixSocketsAllowed, type LocalRoute } from './local-route.ts';
import { trustedSocket } from './local-socket.ts';
import { Connection } from './connection.ts';
import type { FrameChannel } from './frame-channel.ts';
import { PortConnection } from './port-connection.ts';
import type { MessagePort } from 'node:worker_threads';
import { asCallResult, type CallResult } from './call-result.ts';
import { ClientCall } from './client-call.ts';
import { oversizeError } from './codec.ts';
import { FrameType, HELLO_CALLER_ID_CHARS, type Frame } from './protocol.ts';
import type { AddressResolver } from './resolver.ts';
import { fromRemoteErrorInfo } from './wire-error.ts';
import { withCallerFrames } from './caller-frames.ts';
import { cancelledOnStop, stopCancelled, whenStopIsKnown } from './stop-cancellation.ts';
import type { CallObserver } from '../metrics/call-observer.ts';
import type { CallTracing } from '../metrics/call-tracing.ts';
import {
  isWirePrimitive,
  NOT_REPLACED,
  toWireValue,
  WIRE_DATA,
  WireValueProblem,
  type WireRules,
} from './wire-value.ts';
import { thrownAsError, thrownMessage } from '../errors/thrown.ts';

/** What every peer of one process shares. */
export interface PeerEnvironment {
  /** The launch's secret, presented in HELLO. */
  readonly secret: string;
  /** Who is calling, for the server's logs. */
  readonly callerId: string;
  /** Where addresses come from. */
  readonly resolver: AddressResolver;
  /** The largest message accepted or sent, in bytes. */
  readonly maxMessageBytes: number;
  /**
   * Opens a MessagePort channel to a node in another thread of this process, waiting up
   * to the given time for it to come up. When set, peers use it instead of TCP.
   */
  readonly connectPort?: (nodeId: string, timeoutMs: number) => Promise<MessagePort>;
  /**
   * True once the program this process belongs to is stopping. A call that loses its
   * callee then rejects with `CANCELLED` (the program is stopping) instead of
   * `UNAVAILABLE`, and never as an unhandled rejection.
   */
  readonly stopping?: () => boolean;
  /** The observer of calls to `callee`, when metrics are on. */
  readonly observe?: (callee: string) => CallObserver;
  /** Makes a span per call, when tracing is on. */
  readonly tracing?: CallTracing;
}

const RETRY_MIN_MS = 10;

/**
 * How long a node's Unix socket has to answer HELLO before the peer gives up on it and
 * keeps to TCP. A same-host server whose event loop is free answers within milliseconds;
 * one busy for longer only costs its callers the Unix socket's speed, not the call.
 */
export const LOCAL_HELLO_TIMEOUT_MS = 2_000;

// A handle is a node argument only: as a call argument it would arrive as a plain object.
const CALL_ARGUMENT_RULES: WireRules = {
  replace: (value, refuse) =>
    isHandle(value)
      ? refuse(
          `is a handle to ${value.nodeId}, which becomes a client only as a node argument ` +
            '(give it to the node when the program is built)',
        )
      : NOT_REPLACED,
};

const RETRY_MAX_MS = 250;

/** The channel from this process to one node. */
export class Peer {
  readonly nodeId: string;
  readonly #environment: PeerEnvironment;
  readonly #pending = new Map<number, ClientCall>();
  #nextId = 1;
  #connection: FrameChannel | undefined;
  #connecting: Promise<FrameChannel> | undefined;
  #closed = false;
  // Set once a HELLO over the node's Unix socket failed: TCP from then on.
  #localFailed = false;
  // Aborted by close(), so that calls still waiting for a connection end at once.
  readonly #closing = new AbortController();
  readonly #observer: CallObserver | undefined;

  /**
   * @param nodeId - the node this peer talks to
   * @param environment - secret, resolver and limits shared by the process
   */
  constructor(nodeId: string, environment: PeerEnvironment) {
    this.nodeId = nodeId;
    this.#environment = environment;
    this.#observer = environment.observe?.(nodeId);
  }

  /**
   * Calls `method` with `args`, within the limits of `options`. The result is a promise
   * that can also be iterated with `for await` when the method streams.
   */
  call(method: string, args: unknown[], options: CallOptions): CallResult {
    const invalid = this.#invalidCall(method, args, options);
    if (invalid !== undefined) return asCallResult(Promise.reject(invalid));
    const connection = this.#connection;
    // The fast path: connected, so the call goes out now, with no await in between.
    if (connection !== undefined && !connection.closed && options.signal?.aborted !== true) {
      return asCallResult(withCallerFrames(this.#send(connection, method, args, options)));
    }
    return asCallResult(withCallerFrames(this.#slowCall(method, args, options)));
  }

  // Options and arguments are checked before anything is sent, so a bad call names its
  // method and the argument's path instead of arriving changed (a function as undefined,
  // a class instance without its methods). Primitive arguments are not walked at all.
  #invalidCall(method: string, args: unknown[], options: CallOptions): LaunchpadError | undefined {
    const optionsProblem = callOptionsProblem(options);
    if (optionsProblem !== undefined) {
      return new LaunchpadError(
        'INVALID_ARGUMENT',
        `Call ${this.#describe(method)}: ${optionsProblem}.`,
      );
    }
    for (let index = 0; index < args.length; index++) {
      const arg = args[index];
      if (isWirePrimitive(arg)) continue;
      try {
        toWireValue(arg, `args[${index}]`, CALL_ARGUMENT_RULES);
      } catch (error) {
        if (!(error instanceof WireValueProblem)) throw error;
        return new LaunchpadError(
          'INVALID_ARGUMENT',
          `Call ${this.#describe(method)}: argument ${error.path} ${error.problem}. Call ` +
            `arguments must be ${WIRE_DATA}; the call was not sent.`,
        );
      }
    }
    return undefined;
  }

  // Waits for a connection; when the program stops meanwhile, a call that loses its callee
  // is cancelled (see stop-cancellation.ts).
  #slowCall(method: string, args: unknown[], options: CallOptions): Promise<unknown> {
    return cancelledOnStop(this.#describe(method), options.signal, this.#environment.stopping, () =>
      this.#connectThenSend(method, args, options),
    );
  }

  async #connectThenSend(method: string, args: unknown[], options: CallOptions): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_OPTIONS.timeoutMs;
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CALL_OPTIONS.connectTimeoutMs;
    const start = Date.now();
    const deadline = start + timeoutMs;
    const connectDeadline = Math.min(deadline, start + connectTimeoutMs);
    const signal = options.signal;
    if (signal?.aborted === true) throw this.#cancelled(method);
    const connection = await untilAborted(
      this.#connected(connectDeadline, method, signal),
      signal,
      () => this.#cancelled(method),
    );
    const left = deadline - Date.now();
    return this.#send(connection, method, args, { ...options, timeoutMs: left });
  }

  #send(
    connection: FrameChannel,
    method: string,
    args: unknown[],
    options: CallOptions,
  ): Promise<unknown> {
    const call = new ClientCall(this.#nextId++, method, this.#pending);
    const span = this.#environment.tracing?.client(this.nodeId, method);
    const promise = new Promise<unknown>((resolve, reject) => {
      try {
        call.start(connection, args, { resolve, reject }, span);
      } catch (error) {
        const notSent = this.#notSent(method, error);
        span?.end(notSent instanceof LaunchpadError ? notSent.code : 'UNKNOWN', notSent.message);
        reject(notSent);
        return;
      }
      if (this.#observer !== undefined) call.record(this.#observer.method(method));
      const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_OPTIONS.timeoutMs;
      const signal = options.signal;
      if (timeoutMs !== Number.POSITIVE_INFINITY) {
        call.expireAfter(Math.max(0, timeoutMs), () => this.#deadlineExceeded(method, timeoutMs));
      }
      if (signal !== undefined) call.abortWith(signal, () => this.#cancelled(method));
    });
    call.promise = promise;
    if (this.#environment.stopping?.() === true) call.madeWhileStopping = true;
    return promise;
  }

  /** Closes the connection; pending calls reject with `UNAVAILABLE`. */
  close(): void {
    this.#closed = true;
    this.#closing.abort();
    this.#connection?.close();
  }

  // A method, not a field read, because close() may run while a connection is awaited.
  #isClosed(): boolean {
    return this.#closed;
  }

  #describe(method: string): string {
    return `${this.nodeId}.${method}()`;
  }

  async #connected(deadline: number, method: string, signal?: AbortSignal): Promise<FrameChannel> {
    for (let delay = RETRY_MIN_MS; ; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      if (this.#connection !== undefined && !this.#connection.closed) return this.#connection;
      if (this.#closed) {
        throw new LaunchpadError('UNAVAILABLE', `Client of node ${this.nodeId} is closed.`);
      }
      this.#connecting ??= this.#open(deadline).finally(() => {
        this.#connecting = undefined;
      });
      try {
        // The attempt is shared, but each call waits for it only until its own deadline.
        this.#connection = await untilAborted(
          beforeDeadline(this.#connecting, deadline),
          this.#closing.signal,
          () => new LaunchpadError('UNAVAILABLE', `Client of node ${this.nodeId} is closed.`),
        );
        if (this.#isClosed()) this.#connection.close();
        else return this.#connection;
      } catch (error) {
        // Only unavailability is worth waiting out; a refused secret or a bad node id is final.
        if (error instanceof LaunchpadError && error.code !== 'UNAVAILABLE') throw error;
        signal?.throwIfAborted();
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new LaunchpadError(
            'UNAVAILABLE',
            `Node ${this.nodeId} is unavailable: call ${this.#describe(method)} waited for it ` +
              `to come up until its deadline passed (${thrownMessage(error)}).`,
            { cause: error },
          );
        }
        await sleep(Math.min(delay, left));
      }
    }
  }

  async #open(deadline: number): Promise<FrameChannel> {
    const { connectPort } = this.#environment;
    if (connectPort !== undefined) {
      const port = await connectPort(this.nodeId, Math.max(0, deadline - Date.now()));
      return beforeDeadline(this.#portWelcome(port), deadline, () => {
        port.close();
      });
    }
    const address = parseAddress(
      await this.#environment.resolver.resolve(this.nodeId, Math.max(0, deadline - Date.now())),
    );
    const local = await this.#connectLocal(address.local, deadline);
    if (local !== undefined) {
      // A socket that accepts but never answers HELLO (or closes) must not hold the call
      // until its deadline: this peer then keeps to TCP, which reaches the same server.
      const helloBy = Math.min(deadline, Date.now() + LOCAL_HELLO_TIMEOUT_MS);
      try {
        return await beforeDeadline(this.#handshake(local), helloBy, () => local.destroy());
      } catch {
        local.destroy();
        this.#localFailed = true;
      }
    }
    const socket = await connectSocket(address.tcp, deadline);
    return beforeDeadline(this.#handshake(socket), deadline, () => socket.destroy());
  }

  // A node on this host (and in this mount namespace) is reached over its Unix socket; a
  // socket that is gone or refuses leaves TCP, quietly, as if there were none. The secret
  // goes only to a socket of this user's in folders no other user may enter
  // (trustedSocket), and never again after a handshake there failed.
  async #connectLocal(
    local: LocalRoute | undefined,
    deadline: number,
  ): Promise<Socket | undefined> {
    if (
      local === undefined ||
      this.#localFailed ||
      !unixSocketsAllowed() ||
      local.host !== hostIdentity() ||
      !trustedSocket(local.path)
    ) {
      return undefined;
    }
    try {
      return await connectLocalSocket(local.path, deadline);
    } catch {
      return undefined;
    }
  }

  // The callee's thread answers a new port with WELCOME. A port handed to a thread that
  // has just died closes without one: that is a failed connection attempt, retried until
  // the node is back (as a refused TCP connect is), not a call lost in flight.
  #portWelcome(port: MessagePort): Promise<PortConnection> {
    return new Promise((resolve, reject) => {
      let welcomed = false;
      const connection = new PortConnection(
        port,
        {
          onFrame: (frame: Frame) => {
            if (welcomed) this.#receive(frame);
            else if (frame[0] === FrameType.welcome) {
              welcomed = true;
              resolve(connection);
            }
          },
          onClose: (error) => {
            if (!welcomed) {
              reject(
                new LaunchpadError('UNAVAILABLE', `Channel to node ${this.nodeId} closed.`, {
                  cause: error,
                }),
              );
            }
            this.#dropPending(error);
          },
        },
        this.#environment.maxMessageBytes,
      );
    });
  }

  #handshake(socket: Socket): Promise<Connection> {
    return new Promise((resolve, reject) => {
      let welcomed = false;
      const connection = new Connection(socket, this.#environment.maxMessageBytes, {
        onFrame: (frame: Frame) => {
          if (!welcomed) {
            if (frame[0] === FrameType.welcome) {
              welcomed = true;
              resolve(connection);
            } else if (frame[0] === FrameType.refused) {
              reject(new LaunchpadError('UNAUTHENTICATED', frame[1]));
              connection.close();
            }
            return;
          }
          this.#receive(frame);
        },
        onOversize: (size, _type, id) => {
          this.#oversize(size, id);
        },
        onClose: (error) => {
          if (!welcomed) {
            reject(
              new LaunchpadError('UNAVAILABLE', `Connection to node ${this.nodeId} closed.`, {
                cause: error,
              }),
            );
          }
          this.#dropPending(error);
        },
      });
      connection.send([
        FrameType.hello,
        this.#environment.secret,
        this.#environment.callerId.slice(0, HELLO_CALLER_ID_CHARS),
      ]);
    });
  }

  #receive(frame: Frame): void {
    switch (frame[0]) {
      case FrameType.result:
        this.#pending.get(frame[1])?.succeed(frame[2]);
        return;
      case FrameType.item:
        this.#pending.get(frame[1])?.item(frame[2]);
        return;
      case FrameType.end:
        this.#pending.get(frame[1])?.end();
        return;
      case FrameType.error:
        this.#pending.get(frame[1])?.fail(fromRemoteErrorInfo(frame[2]));
        return;
      default:
        return; // frames a client never receives: ignore
    }
  }

  // An answer over this process's size limit was skipped: fail its call, keep the rest.
  #oversize(size: number, id: number | undefined): void {
    const call = id === undefined ? undefined : this.#pending.get(id);
    call?.abandon(
      oversizeError(
        `The answer to call ${this.#describe(call.method)}`,
        size,
        this.#environment.maxMessageBytes,
      ),
    );
  }

  #notSent(method: string, error: unknown): Error {
    if (error instanceof LaunchpadError && error.code === 'RESOURCE_EXHAUSTED') {
      return new LaunchpadError(
        'RESOURCE_EXHAUSTED',
        `Call ${this.#describe(method)} was not sent: ${error.message}`,
      );
    }
    return thrownAsError(error);
  }

  #cancelled(method: string): LaunchpadError {
    return new LaunchpadError('CANCELLED', `Call ${this.#describe(method)} was aborted.`);
  }

  #deadlineExceeded(method: string, timeoutMs: number): LaunchpadError {
    return new LaunchpadError(
      'DEADLINE_EXCEEDED',
      `Call ${this.#describe(method)} did not finish within its deadline (${timeoutMs} ms left when it was sent).`,
    );
  }

  #dropPending(error: Error | undefined): void {
    const calls = [...this.#pending.values()];
    const stopping = this.#environment.stopping;
    if (calls.length === 0 || stopping === undefined || stopping()) {
      this.#failPending(calls, error);
      return;
    }
    whenStopIsKnown(stopping, () => {
      this.#failPending(calls, error);
    });
  }

  #failPending(calls: readonly ClientCall[], error: Error | undefined): void {
    const stopping = this.#environment.stopping?.() === true;
    for (const call of calls) {
      if (stopping && !call.madeWhileStopping) {
        call.failQuietly(stopCancelled(this.#describe(call.method), error));
        continue;
      }
      call.fail(
        new LaunchpadError(
          'UNAVAILABLE',
          `Node ${this.nodeId} became unavailable during call ${this.#describe(call.method)}: ` +
            'its connection closed.',
          { cause: error },
        ),
      );
    }
  }
}
