/**
 * @module
 * The RPC server a service node runs: TCP on a port the OS picks (and, for callers on the
 * same host, a Unix domain socket: see local-socket.ts), one secret per launch, any
 * number of calls in flight per connection, streamed results, and cancellation.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { listenLocal, type LocalListener } from './local-socket.ts';
import { timingSafeEqual } from 'node:crypto';
import { LaunchpadError } from '../errors/errors.ts';
import { cancelHookOf, isAsyncIterable } from './cancellation.ts';
import { DEFAULT_MAX_MESSAGE_BYTES, oversizeError } from './codec.ts';
import { Connection } from './connection.ts';
import type { FrameChannel } from './frame-channel.ts';
import { PortConnection } from './port-connection.ts';
import { readHello } from './hello-reader.ts';
import type { MessagePort } from 'node:worker_threads';
import {
  FrameType,
  HELLO_MAX_BYTES,
  HELLO_TIMEOUT_MS,
  MAX_UNAUTHENTICATED_CONNECTIONS,
  REFUSED_LINGER_MS,
  type CallFrame,
  type Frame,
} from './protocol.ts';
import { portsToTry, type PortRange } from './port-range.ts';
import { StreamSender, type StreamOwner } from './stream-sender.ts';
import { toRemoteErrorInfo } from './wire-error.ts';
import type { CallObserver, CallRecorder } from '../metrics/call-observer.ts';
import type { CallTracing, ServerCallSpan } from '../metrics/call-tracing.ts';
import type { RemoteErrorInfo } from '../errors/errors.ts';

/**
 * Answers one call: returns the result (or a promise of it), or throws. A result that is
 * an `AsyncIterable` is streamed to the caller.
 */
export type Dispatch = (method: string, args: unknown[]) => unknown;

/** How to start an {@link RpcServer}. */
export interface RpcServerOptions {
  /** The per-launch secret every connection must present in its HELLO. */
  readonly secret: string;
  /** The id of the node this server belongs to; it is attached to every error. */
  readonly nodeId: string;
  /** Runs the calls. */
  readonly dispatch: Dispatch;
  /** The interface to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** The largest message accepted or sent, in bytes. @default 1 GiB */
  readonly maxMessageBytes?: number;
  /**
   * Listen on a free port of this range (for firewalled clusters) rather than on one the
   * OS picks.
   */
  readonly ports?: PortRange;
  /** Records every call, when metrics are on. */
  readonly observer?: CallObserver;
  /** Makes a span per call, when tracing is on. */
  readonly tracing?: CallTracing;
  /**
   * Also listen on a Unix domain socket at this path (in a folder only this user can
   * enter), for callers on this host. Connections to it are authenticated as TCP ones
   * are. A path that cannot be listened on leaves the server on TCP alone.
   */
  readonly localPath?: string;
}

// What a CANCEL frame can reach: a streamed result, or a result with a cancel hook.
interface Cancellable {
  cancel(): void;
}

/** A listening RPC server. Create it with {@link RpcServer.listen}. */
export class RpcServer {
  readonly #server: Server;
  #local: LocalListener | undefined;
  readonly #sockets = new Set<Socket>();
  // The connections that came in over the Unix socket, a subset of #sockets.
  readonly #localSockets = new Set<Socket>();
  readonly #ports = new Set<PortConnection>();
  readonly #options: RpcServerOptions;
  readonly #secret: Buffer;
  readonly #maxBytes: number;
  // Connections that have not presented the secret (yet), against the cap.
  #unauthenticated = 0;
  #address = '';

  private constructor(options: RpcServerOptions) {
    this.#options = options;
    this.#secret = Buffer.from(options.secret);
    this.#maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#server = createServer((socket) => {
      this.#accept(socket);
    });
    // An accept that fails (EMFILE when descriptors run out) is the OS's answer to one
    // connection, not the server's end: it keeps listening, and the node keeps running.
    this.#server.on('error', () => undefined);
  }

  /**
   * Starts a server on an OS-assigned port (port 0, so there is no race for ports), or on
   * the first free port of `options.ports`.
   */
  static async listen(options: RpcServerOptions): Promise<RpcServer> {
    const host = options.host ?? '127.0.0.1';
    const range = options.ports;
    if (range === undefined) return RpcServer.#listenOn(options, host, 0);
    for (const port of portsToTry(range)) {
      try {
        return await RpcServer.#listenOn(options, host, port);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
    throw new LaunchpadError(
      'RESOURCE_EXHAUSTED',
      `Node ${options.nodeId} found no free port in ${String(range.first)}-${String(range.last)} on ${host}.`,
    );
  }

  static async #listenOn(
    options: RpcServerOptions,
    host: string,
    port: number,
  ): Promise<RpcServer> {
    const server = new RpcServer(options);
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(port, host, () => {
        server.#server.off('error', reject);
        resolve();
      });
    });
    const address = server.#server.address();
    if (address === null || typeof address === 'string') {
      throw new LaunchpadError('INTERNAL', 'The RPC server has no TCP address.');
    }
    server.#address = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    // After TCP, so that a port of a range found taken leaves no socket behind.
    if (options.localPath !== undefined) {
      server.#local = await listenLocal(options.localPath, (socket) => {
        server.#localSockets.add(socket);
        socket.once('close', () => server.#localSockets.delete(socket));
        server.#accept(socket);
      });
    }
    return server;
  }

  /** `host:port` where the server listens. */
  get address(): string {
    return this.#address;
  }

  /** The Unix socket's path, when the server listens on one. */
  get localPath(): string | undefined {
    return this.#local?.path;
  }

  /**
   * How many connections (TCP and Unix socket) the server holds open, authenticated or
   * not; what the hardening tests watch to see refused connections released.
   */
  get connectionCount(): number {
    return this.#sockets.size;
  }

  /** How many of {@link RpcServer.connectionCount} came in over the Unix socket. */
  get localConnectionCount(): number {
    return this.#localSockets.size;
  }

  /**
   * Stops listening and drops every connection; calls in flight get no answer (their
   * callers see `UNAVAILABLE`), and streams in flight are told to stop.
   */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    for (const port of this.#ports) port.close();
    await Promise.all([
      new Promise<void>((resolve) => {
        this.#server.close(() => {
          resolve();
        });
      }),
      this.#local?.close(),
    ]);
  }

  /**
   * Serves calls arriving on a MessagePort from a node in another thread of this process.
   * The port was handed out by the launcher, which is the authentication: no HELLO. The
   * WELCOME tells the caller that this thread is alive and serving.
   */
  acceptPort(port: MessagePort): void {
    const session = new ServerSession(this.#options);
    const channel: PortConnection = new PortConnection(
      port,
      {
        onFrame: (frame: Frame) => {
          session.receive(channel, frame);
        },
        onClose: () => {
          this.#ports.delete(channel);
          session.closed();
        },
      },
      this.#maxBytes,
    );
    this.#ports.add(channel);
    channel.send([FrameType.welcome, this.#options.nodeId]);
  }

  #accept(socket: Socket): void {
    // Beyond the cap, a stranger's connection costs one accept and one close, nothing more.
    if (this.#unauthenticated >= MAX_UNAUTHENTICATED_CONNECTIONS) {
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    this.#unauthenticated++;
    let authenticated = false;
    // Frees the connection's place among the strangers': once it presents the secret, or
    // once it is gone.
    let counted = true;
    const uncount = (): void => {
      if (!counted) return;
      counted = false;
      this.#unauthenticated--;
    };
    this.#sockets.add(socket);
    const session = new ServerSession(this.#options);
    // Only a valid HELLO stops this timer: a connection that sends anything else is
    // refused, and released by REFUSED_LINGER_MS at the latest.
    const helloTimer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    helloTimer.unref();
    const connection: Connection = new Connection(socket, this.#maxBytes, {
      onFrame: (frame: Frame) => {
        session.receive(connection, frame);
      },
      onOversize: (size, type, id) => {
        if (authenticated && type === FrameType.call && id !== undefined) {
          session.fail(connection, id, oversizeError('The call', size, this.#maxBytes));
        }
      },
      onClose: () => {
        clearTimeout(helloTimer);
        // A refused connection counts as a stranger's until it is gone.
        uncount();
        this.#sockets.delete(socket);
        session.closed();
      },
    });
    // Until the secret is checked, nothing larger than a HELLO is read, and nothing but
    // the HELLO's fixed shape is decoded.
    connection.limitNextFrame(HELLO_MAX_BYTES);
    connection.receiveRaw((body) => {
      const hello = readHello(body);
      if (hello !== undefined && this.#secretMatches(hello.secret)) {
        clearTimeout(helloTimer);
        connection.receiveRaw(undefined);
        authenticated = true;
        uncount();
        session.callerId = hello.callerId;
        connection.send([FrameType.welcome, this.#options.nodeId]);
        return;
      }
      connection.receiveRaw(() => undefined);
      connection.send([
        FrameType.refused,
        `Connection to node ${this.#options.nodeId} refused: it did not present this launch's secret.`,
      ]);
      connection.closeAfterFlush(REFUSED_LINGER_MS);
    });
  }

  #secretMatches(presented: unknown): boolean {
    if (typeof presented !== 'string') return false;
    const bytes = Buffer.from(presented);
    return bytes.length === this.#secret.length && timingSafeEqual(bytes, this.#secret);
  }
}

// The calls of one authenticated connection.
class ServerSession implements StreamOwner {
  readonly #options: RpcServerOptions;
  // Only calls that can be cancelled are tracked, so a plain call costs no map entry.
  readonly #cancellable = new Map<number, Cancellable>();
  readonly #streams = new Map<number, StreamSender>();
  // Calls cancelled while their (hookless) promise was pending: their answer is dropped,
  // and a stream they resolve to is closed at once. Recorded only on CANCEL, so a plain
  // call still costs nothing.
  readonly #cancelledPlain = new Set<number>();
  // The spans of streamed answers still flowing, when tracing is on: they end with the
  // stream, not when it starts.
  readonly #streamSpans = new Map<number, ServerCallSpan>();
  /** The calling node's id, from its HELLO (unknown on a thread's MessagePort). */
  callerId: string | undefined;

  constructor(options: RpcServerOptions) {
    this.#options = options;
  }

  receive(connection: FrameChannel, frame: Frame): void {
    switch (frame[0]) {
      case FrameType.call: {
        const [, id, method, args] = frame;
        // A malformed CALL means the stream cannot be trusted: drop the connection.
        if (typeof id !== 'number' || typeof method !== 'string' || !Array.isArray(args)) {
          connection.close();
          return;
        }
        this.#call(connection, frame);
        return;
      }
      case FrameType.cancel: {
        const pending = this.#cancellable.get(frame[1]);
        this.#endStreamSpan(frame[1], 'CANCELLED', CANCELLED_MESSAGE);
        // Forget it first, so the answer of a call that ends because it was cancelled
        // is not sent to a caller who no longer waits for it.
        this.#cancellable.delete(frame[1]);
        if (pending === undefined) this.#cancelledPlain.add(frame[1]);
        else pending.cancel();
        return;
      }
      case FrameType.credit:
        this.#streams.get(frame[1])?.grant(frame[2]);
        return;
      default:
        return; // frames a server never receives: ignore
    }
  }

  // The connection is gone: nobody will read the answers, so stop the work that can stop.
  closed(): void {
    for (const id of [...this.#streamSpans.keys()]) {
      this.#endStreamSpan(id, 'CANCELLED', 'The connection closed.');
    }
    for (const pending of [...this.#cancellable.values()]) pending.cancel();
    this.#cancellable.clear();
    this.#cancelledPlain.clear();
  }

  fail(connection: FrameChannel, id: number, error: unknown): void {
    const info = toRemoteErrorInfo(error, this.#options.nodeId);
    this.#endStreamSpan(id, info.code, info.message);
    connection.send([FrameType.error, id, info]);
  }

  done(id: number): void {
    this.#streams.delete(id);
    this.#cancellable.delete(id);
    // A stream that failed or was cancelled has ended its span already.
    this.#endStreamSpan(id, undefined, undefined);
  }

  #endStreamSpan(id: number, code: string | undefined, message: string | undefined): void {
    const span = this.#streamSpans.get(id);
    if (span === undefined) return;
    this.#streamSpans.delete(id);
    span.end(code, message);
  }

  // A traced call's span ends with its answer; a streamed answer's, with its stream.
  #endSpan(span: ServerCallSpan, id: number, failed: RemoteErrorInfo | undefined): void {
    if (failed === undefined && this.#streams.has(id)) this.#streamSpans.set(id, span);
    else span.end(failed?.code, failed?.message);
  }

  // `frame` has been checked: its id, method and arguments have the right types.
  #call(connection: FrameChannel, frame: CallFrame): void {
    const id = frame[1];
    const method = frame[2];
    const args = frame[3];
    // The trace context is read only when this node traces; a caller that traces may
    // call one that does not, which ignores it.
    const span = this.#options.tracing?.server(method, frame[4], this.callerId);
    const recorder = this.#options.observer?.method(method);
    const start = recorder === undefined ? 0 : recorder.started(connection.lastReceivedBytes);
    let result: unknown;
    try {
      const { dispatch } = this.#options;
      result = span === undefined ? dispatch(method, args) : span.run(() => dispatch(method, args));
    } catch (error) {
      const info = this.#failCall(connection, id, error);
      recorder?.failed(start, info.code);
      span?.end(info.code, info.message);
      return;
    }
    if (result instanceof Promise) {
      const cancel = cancelHookOf(result);
      if (cancel !== undefined) this.#cancellable.set(id, { cancel });
      result.then(
        (value: unknown) => {
          if (
            (cancel !== undefined && !this.#cancellable.delete(id)) ||
            this.#cancelledPlain.delete(id)
          ) {
            recorder?.failed(start, 'CANCELLED');
            span?.end('CANCELLED', CANCELLED_MESSAGE);
            // Nobody waits for it: a stream it resolved to must still be told to stop.
            if (cancel === undefined && isAsyncIterable(value)) void closeIterable(value);
            return;
          }
          const failed = this.#reply(connection, id, value);
          if (recorder !== undefined) record(recorder, start, failed?.code, connection);
          if (span !== undefined) this.#endSpan(span, id, failed);
        },
        (error: unknown) => {
          if (
            (cancel !== undefined && !this.#cancellable.delete(id)) ||
            this.#cancelledPlain.delete(id)
          ) {
            recorder?.failed(start, 'CANCELLED');
            span?.end('CANCELLED', CANCELLED_MESSAGE);
            return;
          }
          const info = this.#failCall(connection, id, error);
          recorder?.failed(start, info.code);
          span?.end(info.code, info.message);
        },
      );
    } else {
      const failed = this.#reply(connection, id, result);
      if (recorder !== undefined) record(recorder, start, failed?.code, connection);
      if (span !== undefined) this.#endSpan(span, id, failed);
    }
  }

  // Sends the answer; returns the error it had to answer with instead, if any.
  #reply(connection: FrameChannel, id: number, value: unknown): RemoteErrorInfo | undefined {
    if (isAsyncIterable(value)) {
      if (connection.closed) return undefined;
      const stream = new StreamSender(connection, id, value, this);
      this.#streams.set(id, stream);
      this.#cancellable.set(id, stream);
      stream.start();
      return undefined;
    }
    try {
      connection.send([FrameType.result, id, value]);
    } catch (error) {
      // The result could not be encoded (too large, unsupported): answer with the reason.
      return this.#failCall(connection, id, resultError(error));
    }
    return undefined;
  }

  // Answers with the error; returns what was sent.
  #failCall(connection: FrameChannel, id: number, error: unknown): RemoteErrorInfo {
    const info = toRemoteErrorInfo(error, this.#options.nodeId);
    connection.send([FrameType.error, id, info]);
    return info;
  }
}

const CANCELLED_MESSAGE = 'The caller cancelled the call.';

// Ends a recorded call. A streamed answer counts as a success when its stream starts, so
// its latency is the time to the first answer.
function record(
  recorder: CallRecorder,
  start: number,
  failedWith: string | undefined,
  connection: FrameChannel,
): void {
  if (failedWith === undefined) recorder.succeeded(start, connection.lastSentBytes);
  else recorder.failed(start, failedWith);
}

function resultError(error: unknown): unknown {
  if (error instanceof LaunchpadError && error.code === 'RESOURCE_EXHAUSTED') {
    return new LaunchpadError('RESOURCE_EXHAUSTED', `The result was not sent: ${error.message}`);
  }
  return error;
}

// Ends an async iterable nobody will read, so its producer's `finally` blocks run.
async function closeIterable(iterable: AsyncIterable<unknown>): Promise<void> {
  await iterable[Symbol.asyncIterator]()
    .return?.()
    .catch(() => undefined);
}
