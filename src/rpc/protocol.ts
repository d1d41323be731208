/**
 * @module
 * The wire protocol: every message is one MessagePack array, sent as a frame (a 4-byte
 * big-endian length, then the body). The first element names the frame type.
 *
 * A connection opens with HELLO (client → server, carrying the launch's secret) and is
 * answered with WELCOME or REFUSED; after that CALL frames flow one way and RESULT/ERROR
 * frames the other, matched by call id, so many calls can be in flight on one connection.
 */
import type { RemoteErrorInfo } from '../errors.ts';

/** Frame type tags, the first element of every frame. */
export const FrameType = {
  hello: 0,
  welcome: 1,
  refused: 2,
  call: 3,
  result: 4,
  error: 5,
} as const;

/** `[HELLO, secret, callerId]`: the first frame a client sends. */
export type HelloFrame = [typeof FrameType.hello, string, string];
/** `[WELCOME, nodeId]`: the server accepted the secret. */
export type WelcomeFrame = [typeof FrameType.welcome, string];
/** `[REFUSED, reason]`: the server rejected the connection and will close it. */
export type RefusedFrame = [typeof FrameType.refused, string];
/** `[CALL, id, method, args]`. */
export type CallFrame = [typeof FrameType.call, number, string, unknown[]];
/** `[RESULT, id, value]`. */
export type ResultFrame = [typeof FrameType.result, number, unknown];
/** `[ERROR, id, error]`. */
export type ErrorFrame = [typeof FrameType.error, number, RemoteErrorInfo];

/** Any frame. */
export type Frame = HelloFrame | WelcomeFrame | RefusedFrame | CallFrame | ResultFrame | ErrorFrame;

/** How long a server waits for HELLO before it drops a silent connection. */
export const HELLO_TIMEOUT_MS = 10_000;
