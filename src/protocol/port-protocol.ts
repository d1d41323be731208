/**
 * @module
 * The messages between node worker threads and the launcher's main thread that set up
 * direct MessagePort channels between nodes (the `threads` launch type).
 */
import type { MessagePort } from 'node:worker_threads';
import type { RemoteErrorInfo } from '../errors/errors.ts';

/** Worker → main: open a channel to node `to`, waiting up to `timeoutMs` for it. */
export interface ConnectRequest {
  readonly lp: 'connect';
  readonly id: number;
  readonly to: string;
  readonly timeoutMs: number;
}

/** Main → worker: the answer to a {@link ConnectRequest}. */
export type ConnectReply =
  | { readonly lp: 'connected'; readonly id: number; readonly port: MessagePort }
  | { readonly lp: 'connect-failed'; readonly id: number; readonly error: RemoteErrorInfo };

/** Main → worker: another node opened a channel to this one. */
export interface IncomingChannel {
  readonly lp: 'incoming';
  readonly port: MessagePort;
}

/** True for a message of this protocol with tag `tag`. */
export function isPortMessage<TTag extends string>(
  message: unknown,
  tag: TTag,
): message is { readonly lp: TTag } {
  return (
    typeof message === 'object' && message !== null && (message as { lp?: unknown }).lp === tag
  );
}
