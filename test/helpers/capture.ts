/**
 * A writable stream that keeps what is written to it, to read a launch's output in tests.
 */
import { Writable } from 'node:stream';

/** A stream whose `text()` is everything written to it so far. */
export function capture(): Writable & { text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return Object.assign(stream, { text: () => text });
}
