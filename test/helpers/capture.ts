/**
 * A writable stream that keeps what is written to it, to read a launch's output in tests.
 */
import { Writable } from 'node:stream';

/** A captured stream: everything written so far, and a wait for a given text. */
export interface Captured extends Writable {
  /** Everything written so far. */
  text(): string;
  /** Resolves as soon as what was written matches `pattern` (an event, not a poll). */
  waitFor(pattern: string | RegExp): Promise<void>;
}

/** A stream whose `text()` is everything written to it so far. */
export function capture(): Captured {
  let text = '';
  const waiters = new Set<() => void>();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      for (const waiter of [...waiters]) waiter();
      callback();
    },
  });
  const waitFor = (pattern: string | RegExp): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) {
          waiters.delete(check);
          resolve();
        }
      };
      waiters.add(check);
      check();
    });
  return Object.assign(stream, { text: () => text, waitFor });
}
