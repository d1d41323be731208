/**
 * @module
 * A node process on another host sends its output to the launcher over the control
 * connection, one batch of whole lines per write, because no shared filesystem can be
 * assumed to carry it back. The process still writes locally too, so a cluster's own
 * log (when the user asks for one) keeps it as well.
 */
import { StringDecoder } from 'node:string_decoder';
import type { OutputStream } from '../protocol/output-stream.ts';

/** Sends lines to the launcher. */
export type SendLines = (stream: OutputStream, lines: string[]) => Promise<unknown>;

/** An installed forwarder. */
export interface OutputForwarder {
  /** Sends any partial last line and waits (up to `timeoutMs`) for every send to finish. */
  flush(timeoutMs?: number): Promise<void>;
}

/** Wraps `process.stdout.write` and `process.stderr.write` to forward whole lines. */
export function forwardOutput(send: SendLines): OutputForwarder {
  const pending = new Set<Promise<unknown>>();
  const partial: Record<OutputStream, string> = { stdout: '', stderr: '' };
  const dispatch = (stream: OutputStream, lines: string[]): void => {
    if (lines.length === 0) return;
    // A lost line must never crash the node: the launcher may already be gone.
    const sent = send(stream, lines).catch(() => undefined);
    pending.add(sent);
    void sent.finally(() => pending.delete(sent));
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    const target = process[stream];
    const original = target.write.bind(target) as (...args: unknown[]) => boolean;
    const decoder = new StringDecoder('utf8');
    const wrapped = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const text =
        typeof chunk === 'string'
          ? chunk
          : chunk instanceof Uint8Array
            ? decoder.write(Buffer.from(chunk))
            : String(chunk);
      const lines = (partial[stream] + text).split('\n');
      partial[stream] = lines.pop() ?? '';
      dispatch(
        stream,
        lines.map((line) => line.replace(/\r$/, '')),
      );
      return original(chunk, encoding, callback);
    };
    // The wrapper keeps write's contract (returns, callbacks); only its types are loose.
    target.write = wrapped;
  }
  return {
    flush: async (timeoutMs = 5_000) => {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream] !== '') dispatch(stream, [partial[stream]]);
        partial[stream] = '';
      }
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.all(pending), expired]);
      clearTimeout(timer);
    },
  };
}
