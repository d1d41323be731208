/**
 * @module
 * What the launcher's HTTP listeners on 127.0.0.1 (the launch API and `/metrics`) do
 * before a request has proved itself: they answer only requests addressed to
 * `127.0.0.1:<port>` or `localhost:<port>` (a page that reached the port through DNS
 * rebinding sends its own host name), hold at most a few connections that have not, close
 * each of those after a short time, and bound how long headers and bodies may take. A
 * connection proves itself once one of its requests passes the listener's check (the
 * token, or the Host alone for `/metrics`); then only the keep-alive timeout ends it, so
 * event streams may stay open.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/** The limits of a guarded listener. */
export interface LocalHttpLimits {
  /** Connections held that have not yet proved themselves; more are closed at once. */
  readonly maxUnproven: number;
  /** How long a connection may stay unproven, idle or not, before it is closed. */
  readonly unprovenMs: number;
}

/** The defaults: a browser or a scraper proves itself in its first request. */
export const LOCAL_HTTP_LIMITS: LocalHttpLimits = { maxUnproven: 64, unprovenMs: 10_000 };

/** How long a request's headers may take to arrive, in milliseconds. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** How long a whole request may take to arrive, in milliseconds. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How long an idle keep-alive connection stays open, in milliseconds. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/**
 * The options of `http.createServer` that bound a request's headers and body in time, and
 * check for late ones every second (Node checks every 30 s by default).
 */
export const TIMEOUT_OPTIONS = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  connectionsCheckingInterval: 1_000,
} as const;

interface Unproven {
  readonly timer: NodeJS.Timeout;
}

/** A guarded server's bookkeeping: which connections have not proved themselves. */
export class LocalHttpGuard {
  readonly #unproven = new Map<Socket, Unproven>();

  /**
   * Guards `server`: counts and times its unproven connections, and keeps it listening
   * when an accept fails (`EMFILE` when descriptors run out).
   */
  constructor(server: Server, limits: LocalHttpLimits = LOCAL_HTTP_LIMITS) {
    server.on('error', () => undefined);
    server.on('connection', (socket: Socket) => {
      socket.on('error', () => undefined);
      if (this.#unproven.size >= limits.maxUnproven) {
        socket.destroy();
        return;
      }
      const timer = setTimeout(() => socket.destroy(), limits.unprovenMs);
      timer.unref();
      this.#unproven.set(socket, { timer });
      socket.once('close', () => {
        this.#forget(socket);
      });
    });
  }

  /** How many connections have not proved themselves now. */
  get unproven(): number {
    return this.#unproven.size;
  }

  /** The request's connection proved itself: it is no longer counted nor timed. */
  proven(request: IncomingMessage): void {
    this.#forget(request.socket);
  }

  #forget(socket: Socket): void {
    const entry = this.#unproven.get(socket);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.#unproven.delete(socket);
  }
}

/**
 * True when the request names this listener as `127.0.0.1:<port>` or `localhost:<port>`
 * in its Host header: what a browser sends for a page it loaded from here, and never for
 * a page of another site, even one whose name was made to resolve to 127.0.0.1.
 */
export function isLocalHost(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host?.toLowerCase();
  return host === `127.0.0.1:${String(port)}` || host === `localhost:${String(port)}`;
}

/** The message of a 421 answer to a request with another Host. */
export function wrongHostMessage(port: number): string {
  return (
    `This server answers only requests to 127.0.0.1:${String(port)} or localhost:${String(port)} ` +
    '(the Host header); open it by that address.'
  );
}
