/**
 * @module
 * The wire protocol: every message is one MessagePack array, sent as a frame (a 4-byte
 * big-endian length, then the body). The first element names the frame type.
 *
 * A connection opens with HELLO (client → server, carrying the launch's secret) and is
 * answered with WELCOME or REFUSED. After that the client sends CALL frames and the server
 * answers each with RESULT or ERROR, matched by call id, so many calls can be in flight on
 * one connection. A method that returns an `AsyncIterable` answers with ITEM frames and
 * one END (or ERROR); the server sends at most as many items as the client has granted
 * (the first {@link INITIAL_STREAM_CREDIT}, then more with CREDIT frames). CANCEL tells the
 * server the caller gave up (abort, deadline, or it stopped iterating a stream).
 */
import type { RemoteErrorInfo } from '../errors/errors.ts';
import type { TraceCarrier } from '../metrics/call-tracing.ts';
import { OUT_OF_BAND_HEADER_BYTES, OUT_OF_BAND_MARKER } from './out-of-band.ts';

/** Frame type tags, the first element of every frame. */
export const FrameType = {
  hello: 0,
  welcome: 1,
  refused: 2,
  call: 3,
  result: 4,
  error: 5,
  cancel: 6,
  item: 7,
  end: 8,
  credit: 9,
} as const;

/** `[HELLO, secret, callerId]`: the first frame a client sends. */
export type HelloFrame = [typeof FrameType.hello, string, string];
/** `[WELCOME, nodeId]`: the server accepted the secret. */
export type WelcomeFrame = [typeof FrameType.welcome, string];
/** `[REFUSED, reason]`: the server rejected the connection and will close it. */
export type RefusedFrame = [typeof FrameType.refused, string];
/**
 * `[CALL, id, method, args]`, or `[CALL, id, method, args, traceContext]` when the caller
 * traces its calls: the trace context headers (W3C `traceparent`, `tracestate`) as a map
 * of strings. A caller that does not trace sends the four elements only.
 */
export type CallFrame =
  | [typeof FrameType.call, number, string, unknown[]]
  | [typeof FrameType.call, number, string, unknown[], TraceCarrier];
/** `[RESULT, id, value]`. */
export type ResultFrame = [typeof FrameType.result, number, unknown];
/** `[ERROR, id, error]`: the call failed, or its stream ended with an error. */
export type ErrorFrame = [typeof FrameType.error, number, RemoteErrorInfo];
/** `[CANCEL, id]`: the caller no longer wants the answer (client → server). */
export type CancelFrame = [typeof FrameType.cancel, number];
/** `[ITEM, id, value]`: the next value of a streamed result. */
export type ItemFrame = [typeof FrameType.item, number, unknown];
/** `[END, id]`: a streamed result has no more values. */
export type EndFrame = [typeof FrameType.end, number];
/** `[CREDIT, id, count]`: the caller may take `count` more items (client → server). */
export type CreditFrame = [typeof FrameType.credit, number, number];

/** Any frame. */
export type Frame =
  | HelloFrame
  | WelcomeFrame
  | RefusedFrame
  | CallFrame
  | ResultFrame
  | ErrorFrame
  | CancelFrame
  | ItemFrame
  | EndFrame
  | CreditFrame;

/** How long a server waits for a valid HELLO before it drops the connection. */
export const HELLO_TIMEOUT_MS = 10_000;

/**
 * How many connections a server holds that have not yet presented the secret; one more
 * is closed as soon as it is accepted, so strangers can neither run a node out of
 * descriptors nor make it spend memory on them. A legitimate caller presents the secret
 * in its first round trip, so only a flood fills this.
 */
export const MAX_UNAUTHENTICATED_CONNECTIONS = 128;

/**
 * The largest first frame a server reads before the secret is checked. A HELLO holds the
 * secret (32 characters) and the caller's id, which a client cuts to
 * {@link HELLO_CALLER_ID_CHARS} characters: far below this.
 */
export const HELLO_MAX_BYTES = 4096;

/** How many characters of its id a client puts in its HELLO. */
export const HELLO_CALLER_ID_CHARS = 256;

/**
 * How long a server waits, after it sent REFUSED and closed its side, for the client to
 * close the connection, before it releases the socket by force.
 */
export const REFUSED_LINGER_MS = 1_000;

/**
 * How many stream items a server may send before the caller grants more. The caller
 * grants another half window each time it has consumed half a window, so a fast consumer
 * never stalls the producer and a slow one holds at most this many items in memory.
 */
export const INITIAL_STREAM_CREDIT = 32;

/**
 * Reads the frame type and call id from the first bytes of a frame body without decoding
 * the rest, so that a frame too large to accept can still be answered (or matched to its
 * call) while its bytes are skipped. Returns `undefined` unless the body starts like a
 * frame that carries a call id.
 */
export function peekFrameHead(body: Uint8Array): { type: number; id: number } | undefined {
  // A body with out-of-band segments starts with their header; the frame array follows it.
  const prefix = body[0] === OUT_OF_BAND_MARKER ? body.subarray(OUT_OF_BAND_HEADER_BYTES) : body;
  const head = prefix[0];
  // Every frame is a MessagePack fixarray (0x90–0x9f) whose first element is a small int.
  if (head === undefined || (head & 0xf0) !== 0x90) return undefined;
  const type = prefix[1];
  const marker = prefix[2];
  if (type === undefined || type > 0x7f || marker === undefined) return undefined;
  if (marker <= 0x7f) return { type, id: marker };
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (marker === 0xcc && prefix.length >= 4) return { type, id: view.getUint8(3) };
  if (marker === 0xcd && prefix.length >= 5) return { type, id: view.getUint16(3) };
  if (marker === 0xce && prefix.length >= 7) return { type, id: view.getUint32(3) };
  if (marker === 0xcf && prefix.length >= 11) return { type, id: Number(view.getBigUint64(3)) };
  return undefined;
}

/** How many leading bytes of a body {@link peekFrameHead} needs at most. */
export const FRAME_HEAD_BYTES = OUT_OF_BAND_HEADER_BYTES + 11;
