/**
 * Between threads, a value marked with `lp.transfer()` crosses as a structured clone: a
 * typed array on a SharedArrayBuffer is then shared with the callee, not copied, so what
 * the callee writes the caller sees. Unmarked, it is copied like any other array, and
 * over TCP it is always copied.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { closePorts, serveOver } from './port-harness.ts';

afterEach(closePorts);

class Writer {
  /** Writes into the array it receives and returns its first element. */
  write(values: Float32Array): number {
    values.fill(42);
    return values[0] ?? Number.NaN;
  }
}

function sharedArray(): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * 1024)).fill(1);
}

describe('a SharedArrayBuffer between threads', () => {
  it('is shared with the callee when the value is marked', async () => {
    const writer = await serveOver(new Writer(), 'writer/0', 'port');
    const values = sharedArray();
    expect(await writer.write(lp.transfer(values, []))).toBe(42);
    expect(values[1023]).toBe(42);
  });

  it('is copied when the value is not marked, and over TCP', async () => {
    for (const over of ['port', 'tcp'] as const) {
      const writer = await serveOver(new Writer(), `writer-${over}/0`, over);
      const values = sharedArray();
      expect(await writer.write(over === 'tcp' ? lp.transfer(values, []) : values)).toBe(42);
      expect(values[1023]).toBe(1);
    }
  });
});
