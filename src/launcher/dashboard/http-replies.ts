/**
 * @module
 * The launch API's answers: JSON bodies, `{ error }` bodies, server-sent event streams,
 * and the token check every request goes through.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

/** Answers `{ error: message }` with `status`. */
export function sendError(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, { error: message });
}

/** True when the request carries `token`, as `?token=` or `Authorization: Bearer`. */
export function hasToken(request: IncomingMessage, url: URL, token: string): boolean {
  const header = request.headers.authorization;
  const given =
    url.searchParams.get('token') ??
    (header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length).trim() : undefined);
  if (given === undefined) return false;
  const expected = Buffer.from(token);
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A server-sent event stream on `response`. */
export interface EventStream {
  /** Sends one event (`event` omitted: a plain `data:` message). */
  send(data: unknown, event?: string): void;
  /**
   * Ends the opening burst (the whole picture a client gets first): the bound on what
   * the stream may hold unsent counts from what is still unsent of it.
   */
  opened(): void;
  /** Runs `cleanup` once the client goes away. */
  onClose(cleanup: () => void): void;
}

// A comment line now and then keeps proxies and idle timeouts from closing the stream.
const KEEP_ALIVE_MS = 15_000;

/**
 * How many bytes of events a stream may hold that its client has not taken, beyond its
 * opening burst: a client that stops reading is dropped past this, rather than growing
 * the launcher by every line its nodes print. A page that reads keeps far below it.
 */
export const MAX_UNSENT_EVENT_BYTES = 8 * 1024 * 1024;

/** Opens a server-sent event stream on `response`. */
export function openEventStream(request: IncomingMessage, response: ServerResponse): EventStream {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  let limit = Number.POSITIVE_INFINITY;
  let dropped = false;
  // Writes while the socket drains are held by Node, and counted in writableLength; past
  // the bound the client is dropped, so what a stalled client costs stays bounded.
  const write = (text: string): void => {
    if (dropped) return;
    response.write(text);
    if (response.writableLength > limit) {
      dropped = true;
      response.destroy();
    }
  };
  write(':\n\n');
  const keepAlive = setInterval(() => {
    write(':\n\n');
  }, KEEP_ALIVE_MS);
  keepAlive.unref();
  const cleanups: (() => void)[] = [
    () => {
      clearInterval(keepAlive);
    },
  ];
  request.once('close', () => {
    for (const cleanup of cleanups) cleanup();
  });
  return {
    send: (data, event) => {
      const head = event === undefined ? '' : `event: ${event}\n`;
      write(`${head}data: ${JSON.stringify(data)}\n\n`);
    },
    opened: () => {
      limit = response.writableLength + MAX_UNSENT_EVENT_BYTES;
    },
    onClose: (cleanup) => {
      cleanups.push(cleanup);
    },
  };
}
