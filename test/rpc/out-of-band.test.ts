/**
 * The out-of-band framing of typed arrays (src/rpc/out-of-band.ts): every kind of typed
 * array and Buffer, large and small, empty, at odd offsets, nested in objects, arrays and
 * Maps, arrives intact and of its own class; a body that starts on an aligned boundary is
 * decoded without copying its segments; a frame cut at any byte decodes the same; and the
 * size limit counts the segments and fails only the call that exceeds it.
 */
import { MessageChannel } from 'node:worker_threads';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFrameBody, encodeFrame, encodeMessage } from '../../src/rpc/codec.ts';
import { FrameReader } from '../../src/rpc/frame-reader.ts';
import {
  OUT_OF_BAND_MARKER,
  OUT_OF_BAND_MIN_BYTES,
  SEGMENT_ALIGNMENT,
} from '../../src/rpc/out-of-band.ts';
import { closeAll, serve } from './harness.ts';

afterEach(closeAll);

const LARGE = OUT_OF_BAND_MIN_BYTES; // the smallest array sent out of band

/** A deterministic fill, so that any misplaced byte shows. */
function filled<T extends { length: number; [index: number]: number | bigint }>(
  array: T,
  seed: number,
): T {
  for (let i = 0; i < array.length; i++) {
    const value = (seed * 31 + i * 7) % 251;
    array[i] = typeof array[i] === 'bigint' ? BigInt(value) : value;
  }
  return array;
}

/** One of each kind, above and below the out-of-band size, some at odd offsets. */
function mixedValue(): unknown {
  const backing = new ArrayBuffer(4 * LARGE + 64);
  return [
    3,
    'call',
    {
      floats: filled(new Float32Array(LARGE / 4 + 3), 1),
      doubles: filled(new Float64Array(LARGE / 8 + 1), 2),
      small: filled(new Float64Array(3), 3),
      bytes: filled(Buffer.alloc(LARGE + 5), 4),
      smallBytes: filled(Buffer.alloc(7), 5),
      u8: filled(new Uint8Array(LARGE + 1), 6),
      // Views that start at odd byte offsets of their buffer.
      oddBytes: filled(new Uint8Array(backing, 3, LARGE + 11), 7),
      oddShorts: filled(new Int16Array(backing, 2 * LARGE + 2, LARGE / 2), 8),
      nested: [
        [filled(new Int8Array(LARGE), 9), filled(new Uint8ClampedArray(LARGE + 2), 10)],
        { deeper: filled(new Uint16Array(LARGE), 11), ints: filled(new Int32Array(LARGE), 12) },
      ],
      map: new Map<string, unknown>([
        ['u32', filled(new Uint32Array(LARGE / 4), 13)],
        ['big', filled(new BigInt64Array(LARGE / 8), 14)],
        ['ubig', filled(new BigUint64Array(3), 15)],
      ]),
      empty: [new Float32Array(0), Buffer.alloc(0), new Uint8Array(0), new BigInt64Array(0)],
      text: 'between the segments',
    },
  ];
}

/** Runs every frame in `bytes`, cut into the given chunks, through a FrameReader. */
function readChunks(chunks: readonly Buffer[]): unknown[] {
  const frames: unknown[] = [];
  const reader = new FrameReader({ onFrame: (body) => frames.push(decodeFrameBody(body)) }, 1e9);
  for (const chunk of chunks) reader.push(chunk);
  return frames;
}

function frameBytes(value: unknown): Buffer {
  const frame = encodeFrame(value, 1e9);
  return Array.isArray(frame) ? Buffer.concat(frame) : frame;
}

/** Every typed array inside `value`. */
function typedArraysIn(value: unknown, found: ArrayBufferView[] = []): ArrayBufferView[] {
  if (ArrayBuffer.isView(value)) found.push(value);
  else if (value instanceof Map) for (const item of value.values()) typedArraysIn(item, found);
  else if (Array.isArray(value)) for (const item of value) typedArraysIn(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) typedArraysIn(item, found);
  }
  return found;
}

describe('out-of-band typed arrays', () => {
  it('round-trips every kind, large and small, empty, nested, at odd offsets', () => {
    const value = mixedValue();
    const bytes = frameBytes(value);
    expect(bytes[4]).toBe(OUT_OF_BAND_MARKER); // it does travel out of band
    const [back] = readChunks([bytes]);
    expect(back).toEqual(value);
    // Classes are kept: a Buffer stays a Buffer, a Uint8Array stays a Uint8Array.
    const sent = typedArraysIn(value);
    const received = typedArraysIn(back);
    expect(received.map((array) => array.constructor.name)).toEqual(
      sent.map((array) => array.constructor.name),
    );
  });

  it('decodes segments as views of an aligned body, without copying them', () => {
    const value = mixedValue();
    const bytes = frameBytes(value);
    // A body in a buffer of its own, as a frame that spans socket chunks is read.
    const body = Buffer.from(bytes.subarray(4));
    const received = typedArraysIn(decodeFrameBody(body));
    const large = received.filter((array) => array.byteLength >= LARGE);
    expect(large.length).toBeGreaterThan(10);
    for (const array of large) {
      expect(array.buffer).toBe(body.buffer);
      expect((array.byteOffset - body.byteOffset) % SEGMENT_ALIGNMENT).toBe(0);
    }
  });

  it('copies a segment that a misaligned body cannot view, and the values are right', () => {
    const value = mixedValue();
    const bytes = frameBytes(value);
    for (const shift of [1, 2, 3, 5, 7]) {
      const backing = new Uint8Array(bytes.length - 4 + shift);
      backing.set(bytes.subarray(4), shift);
      expect(decodeFrameBody(backing.subarray(shift))).toEqual(value);
    }
  });

  it('decodes the same whatever byte a frame is cut at, and two frames in a row', () => {
    // Small enough to cut at every byte, with segments and odd lengths throughout.
    const value = [
      4,
      9,
      [filled(new Float64Array(LARGE / 8 + 1), 1), 'x', filled(Buffer.alloc(LARGE + 3), 2)],
    ];
    const bytes = frameBytes(value);
    expect(bytes[4]).toBe(OUT_OF_BAND_MARKER);
    expect(readChunks([bytes])).toEqual([value]);
    // Each decoded frame is compared by encoding it again: exact, and fast enough to do
    // for every cut.
    const two = Buffer.concat([bytes, bytes]);
    const mismatches: number[] = [];
    for (let cut = 1; cut < two.length; cut++) {
      const frames = readChunks([two.subarray(0, cut), two.subarray(cut)]);
      const again = Buffer.concat(frames.map(frameBytes));
      if (frames.length !== 2 || !again.equals(two)) mismatches.push(cut);
    }
    expect(mismatches).toEqual([]);
    // And one byte at a time.
    const oneByOne = readChunks(Array.from(bytes, (byte) => Buffer.from([byte])));
    expect(oneByOne).toEqual([value]);
  });

  it('crosses a MessagePort moved, not copied: the receiver views the message itself', async () => {
    const { port1, port2 } = new MessageChannel();
    try {
      const value = mixedValue();
      const message = encodeMessage(value, 1e9);
      const arrived = new Promise<Uint8Array>((resolve) => {
        port2.once('message', resolve);
      });
      port1.postMessage(message, [message.buffer]);
      const body = await arrived;
      const back = decodeFrameBody(body);
      expect(back).toEqual(value);
      for (const array of typedArraysIn(back).filter((a) => a.byteLength >= LARGE)) {
        expect(array.buffer).toBe(body.buffer);
      }
    } finally {
      port1.close();
      port2.close();
    }
  });
});

class Store {
  echo<T>(value: T): T {
    return value;
  }
  sum(value: Float64Array): number {
    return value.reduce((a, b) => a + b, 0);
  }
}

// A body with segments whose MessagePack part is an array of hand-made references
// ([kind, offset, byteLength] each), followed by a segment area of `areaBytes`.
function bodyWithReferences(
  references: readonly (readonly [number, number, number])[],
  areaBytes: number,
): Buffer {
  const head = Buffer.alloc(3);
  head[0] = 0xdc; // array 16
  head.writeUInt16BE(references.length, 1);
  const parts = [head];
  for (const [kind, offset, byteLength] of references) {
    const reference = Buffer.alloc(20);
    reference[0] = 0xc7; // ext 8
    reference[1] = 17;
    reference[2] = 0x53;
    reference[3] = kind;
    reference.writeDoubleBE(offset, 4);
    reference.writeDoubleBE(byteLength, 12);
    parts.push(reference);
  }
  const message = Buffer.concat(parts);
  const areaStart = Math.ceil((8 + message.length) / 8) * 8;
  const body = Buffer.alloc(areaStart + areaBytes);
  body[0] = OUT_OF_BAND_MARKER;
  body.writeUInt32BE(message.length, 4);
  message.copy(body, 8);
  return body;
}

// The same bytes starting at an odd address, as a frame read from inside a socket chunk:
// every Float64Array segment would have to be copied.
function misaligned(body: Buffer): Buffer {
  const backing = Buffer.alloc(body.length + 1);
  body.copy(backing, 1);
  return backing.subarray(1);
}

const FLOAT64 = 9; // the kind of a Float64Array segment
const UINT8 = 1;

describe('hostile segment references', () => {
  it('refuses references to more bytes than the segment area: 1,000 copies of one 8 KiB segment', () => {
    const area = 8192;
    const references = Array.from({ length: 1_000 }, () => [FLOAT64, 0, area] as const);
    const body = misaligned(bodyWithReferences(references, area));
    // Before: 1,000 copies, 8 MiB made from a 28 KiB body.
    expect(() => decodeFrameBody(body)).toThrow(/more bytes than its segment area/);
  });

  it('refuses overlapping references, a misaligned offset and a negative length', () => {
    expect(() =>
      decodeFrameBody(
        bodyWithReferences(
          [
            [UINT8, 0, 16],
            [UINT8, 8, 16],
          ],
          32,
        ),
      ),
    ).toThrow(/overlap/);
    expect(() => decodeFrameBody(bodyWithReferences([[UINT8, 4, 8]], 16))).toThrow(
      /not a multiple of 8/,
    );
    expect(() => decodeFrameBody(bodyWithReferences([[UINT8, 0, -8]], 16))).toThrow(
      /outside its body/,
    );
  });

  it('accepts what a sender makes: aligned segments, each once, in any order', () => {
    const [first, second] = decodeFrameBody(
      bodyWithReferences(
        [
          [UINT8, 16, 8],
          [UINT8, 0, 16],
        ],
        24,
      ),
    ) as Uint8Array[];
    expect(first?.byteLength).toBe(8);
    expect(second?.byteLength).toBe(16);
  });
});

describe('out-of-band values in calls', () => {
  it('sends a copy: the caller may change its array as soon as the call is made', async () => {
    const { client } = await serve(new Store());
    const store = client();
    await store.sum(new Float64Array(1)); // connected: a call is encoded as it is made
    const array = new Float64Array(100_000).fill(2);
    const answer = store.sum(array);
    array.fill(0);
    expect(await answer).toBe(200_000);
  });

  it('counts the segments in the size limit and fails only the offending call', async () => {
    const limit = 64 * 1024;
    const { client } = await serve(new Store(), { maxMessageBytes: limit });
    const store = client();
    // The MessagePack part is tiny; the segment makes the frame too large.
    const [big, small, smallAfter] = await Promise.all([
      store.sum(new Float64Array(limit / 8)).catch((error: unknown) => error),
      store.sum(new Float64Array(1024).fill(1)),
      store.echo({ nested: [new Float32Array(4096).fill(3)] }),
    ]);
    expect(lp.isLaunchpadError(big, 'RESOURCE_EXHAUSTED')).toBe(true);
    expect((big as Error).message).toMatch(/service\/0\.sum\(\) was not sent/);
    expect(small).toBe(1024);
    expect((smallAfter as { nested: Float32Array[] }).nested[0]?.[4095]).toBe(3);

    // A frame over the receiver's limit only (the caller allows more) is skipped as it
    // streams in, its call read from the head behind the segment header.
    const generous = client({ maxMessageBytes: 1024 * 1024 });
    const [skipped, fine] = await Promise.all([
      generous.sum(new Float64Array(limit / 4)).catch((error: unknown) => error),
      generous.sum(new Float64Array(8).fill(1)),
    ]);
    expect(lp.isLaunchpadError(skipped, 'RESOURCE_EXHAUSTED')).toBe(true);
    expect(fine).toBe(8);
    expect(await generous.sum(new Float64Array(2048).fill(1))).toBe(2048);
  });
});
