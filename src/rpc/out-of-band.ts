/**
 * @module
 * Typed arrays and Buffers as out-of-band segments of a frame. Inside a frame body, a
 * typed array of {@link OUT_OF_BAND_MIN_BYTES} or more is not copied into the MessagePack
 * bytes: the MessagePack part holds a small reference (its kind, offset and length), and
 * its bytes follow the MessagePack part, each segment starting at a multiple of
 * {@link SEGMENT_ALIGNMENT} from the start of the body. A receiver whose body starts on
 * such a boundary (a frame read into a buffer of its own, or a MessagePort message) decodes
 * every segment as a view of the body, without a copy; a misaligned one is copied once.
 *
 * Body layout when the frame has segments (all integers big-endian):
 *
 * ```text
 * offset 0   0xc1                   marker (a byte MessagePack never uses)
 * offset 1   0x00 0x00 0x00         reserved
 * offset 4   u32 M                  length of the MessagePack part
 * offset 8   M bytes                the MessagePack part (the frame array)
 *            zero bytes             up to the segment area, at align8(8 + M)
 *            segment 0, zeros to the next multiple of 8, segment 1, …
 * ```
 *
 * A body without segments is the MessagePack part alone, as before (it starts with a
 * fixarray byte, never 0xc1). Outside a frame (checkpoint files) typed arrays are
 * written as msgpackr writes them, so those files keep their format.
 */
import { addExtension } from './msgpackr-js.ts';
import { LaunchpadError } from '../errors/errors.ts';
import { copiedOut } from './receive-pool.ts';

/** The first byte of a body that carries out-of-band segments. */
export const OUT_OF_BAND_MARKER = 0xc1;
/** The bytes before the MessagePack part of a body with segments. */
export const OUT_OF_BAND_HEADER_BYTES = 8;
/** Every segment starts at a multiple of this, counted from the start of the body. */
export const SEGMENT_ALIGNMENT = 8;
/**
 * Typed arrays smaller than this stay inside the MessagePack part: for a few hundred bytes
 * a copy costs less than a segment's reference and padding.
 */
export const OUT_OF_BAND_MIN_BYTES = 512;

// The extension type of a segment reference: [kind u8][offset f64][byte length f64].
const SEGMENT_EXTENSION = 0x53;
const REFERENCE_BYTES = 17;
// msgpackr's own extension for typed arrays, and its order of their kinds: what a typed
// array is written as outside a frame.
const MSGPACKR_TYPED_ARRAY_EXTENSION = 0x74;
const MSGPACKR_TYPED_ARRAY_NAMES = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

type TypedArrayConstructor = new (
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
) => {
  readonly byteLength: number;
};
interface Kind {
  readonly Class: TypedArrayConstructor & { readonly BYTES_PER_ELEMENT: number };
  readonly view: (buffer: ArrayBuffer, byteOffset: number, byteLength: number) => unknown;
}
const kindOf = (Class: Kind['Class']): Kind => ({
  Class,
  view: (buffer, byteOffset, byteLength) =>
    new Class(buffer, byteOffset, byteLength / Class.BYTES_PER_ELEMENT),
});
// A segment's kind is its index here. Buffer first: it is a Uint8Array too.
const KINDS: readonly Kind[] = [
  { Class: Uint8Array, view: (buffer, offset, length) => Buffer.from(buffer, offset, length) },
  ...[
    Uint8Array,
    Int8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
  ].map((Class) => kindOf(Class as Kind['Class'])),
];

function kindIndex(value: ArrayBufferView): number {
  if (Buffer.isBuffer(value)) return 0;
  const constructor = value.constructor;
  return KINDS.findIndex((kind, index) => index > 0 && kind.Class === constructor);
}

/** The segments of the frame being encoded, and the size of its segment area so far. */
interface Collecting {
  readonly segments: Uint8Array[];
  readonly offsets: number[];
  areaBytes: number;
}
let collecting: Collecting | undefined;

/**
 * The body being decoded, where its segment area starts, and the segments its references
 * named so far: their bytes together may not pass the area's, so a frame's references
 * never produce more bytes than the frame brought.
 */
interface Reading {
  readonly body: Uint8Array;
  readonly areaStart: number;
  referencedBytes: number;
  // [start, end) of each reference, checked for overlaps once the body is decoded.
  readonly spans: number[];
}
let reading: Reading | undefined;

/** Rounds `bytes` up to the next multiple of {@link SEGMENT_ALIGNMENT}. */
export function align(bytes: number): number {
  return Math.ceil(bytes / SEGMENT_ALIGNMENT) * SEGMENT_ALIGNMENT;
}

type Allocate = (size: number) => { target: Uint8Array; position: number };

// The size of a MessagePack length header (type byte and 1, 2 or 4 length bytes).
const headBytes = (length: number): number => (length < 0x100 ? 2 : length < 0x10000 ? 3 : 5);

// Writes a length header with the type byte of its width: `codes` for 8, 16 and 32 bits.
function writeHead(
  target: Uint8Array,
  position: number,
  codes: readonly [number, number, number],
  length: number,
): void {
  const view = new DataView(target.buffer, target.byteOffset);
  const head = headBytes(length);
  if (head === 2) {
    view.setUint8(position, codes[0]);
    view.setUint8(position + 1, length);
  } else if (head === 3) {
    view.setUint8(position, codes[1]);
    view.setUint16(position + 1, length);
  } else {
    view.setUint8(position, codes[2]);
    view.setUint32(position + 1, length);
  }
}

// Writes `value` inside the MessagePack bytes, exactly as msgpackr does without this
// extension: a Buffer as `bin`, any other typed array as its typed-array extension.
function writeInline(value: ArrayBufferView, allocate: Allocate): void {
  const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const length = bytes.byteLength;
  if (Buffer.isBuffer(value)) {
    const head = headBytes(length);
    const { target, position } = allocate(head + length);
    writeHead(target, position, [0xc4, 0xc5, 0xc6], length);
    target.set(bytes, position + head);
    return;
  }
  // ext 8/16/32 whose data is the kind byte, then the bytes.
  const dataLength = length + 1;
  const head = headBytes(dataLength) + 1;
  const { target, position } = allocate(head + dataLength);
  writeHead(target, position, [0xc7, 0xc8, 0xc9], dataLength);
  target[position + head - 1] = MSGPACKR_TYPED_ARRAY_EXTENSION;
  target[position + head] = MSGPACKR_TYPED_ARRAY_NAMES.indexOf(value.constructor.name);
  target.set(bytes, position + head + 1);
}

function writeReference(value: ArrayBufferView, kind: number, allocate: Allocate): void {
  const frame = collecting;
  if (frame === undefined) return;
  const offset = align(frame.areaBytes);
  frame.segments.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  frame.offsets.push(offset);
  frame.areaBytes = offset + value.byteLength;
  const { target, position } = allocate(3 + REFERENCE_BYTES);
  target[position] = 0xc7; // ext 8
  target[position + 1] = REFERENCE_BYTES;
  target[position + 2] = SEGMENT_EXTENSION;
  target[position + 3] = kind;
  const view = new DataView(target.buffer, target.byteOffset);
  view.setFloat64(position + 4, offset);
  view.setFloat64(position + 12, value.byteLength);
}

function readReference(data: Uint8Array): unknown {
  const frame = reading;
  if (frame === undefined || data.length !== REFERENCE_BYTES) {
    throw new LaunchpadError('INTERNAL', 'A segment reference was found outside a frame body.');
  }
  const info = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const kind = KINDS[info.getUint8(0)];
  const offset = info.getFloat64(1);
  const byteLength = info.getFloat64(9);
  const start = frame.areaStart + offset;
  if (
    kind === undefined ||
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(byteLength) ||
    offset < 0 ||
    byteLength < 0 ||
    byteLength % kind.Class.BYTES_PER_ELEMENT !== 0 ||
    start + byteLength > frame.body.length
  ) {
    throw new LaunchpadError('INTERNAL', 'A frame has a segment reference outside its body.');
  }
  // A sender puts every segment at a multiple of SEGMENT_ALIGNMENT of the area, each
  // once: a reference that does not is refused rather than copied, and the bytes of all
  // references cannot pass the area's, so a small frame cannot make a large allocation.
  if (offset % SEGMENT_ALIGNMENT !== 0) {
    throw new LaunchpadError(
      'INTERNAL',
      `A frame has a segment reference at offset ${offset}, not a multiple of ${SEGMENT_ALIGNMENT}.`,
    );
  }
  frame.referencedBytes += byteLength;
  if (frame.referencedBytes > frame.body.length - frame.areaStart) {
    throw new LaunchpadError(
      'INTERNAL',
      'A frame has segment references to more bytes than its segment area holds.',
    );
  }
  if (byteLength > 0) frame.spans.push(start, start + byteLength);
  const { body } = frame;
  const absolute = body.byteOffset + start;
  if (absolute % kind.Class.BYTES_PER_ELEMENT === 0 && body.buffer instanceof ArrayBuffer) {
    return kind.view(body.buffer, absolute, byteLength);
  }
  // Misaligned for its element size (a frame read as a view of a socket chunk): one copy,
  // and all of them together no larger than the frame.
  const copy = new Uint8Array(byteLength);
  copy.set(body.subarray(start, start + byteLength));
  return kind.view(copy.buffer, 0, byteLength);
}

// True when two of the [start, end) spans (a flat list of pairs) share a byte.
function overlapping(spans: readonly number[]): boolean {
  const pairs: [number, number][] = [];
  for (let index = 0; index < spans.length; index += 2) {
    pairs.push([spans[index] ?? 0, spans[index + 1] ?? 0]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  for (let index = 1; index < pairs.length; index++) {
    if ((pairs[index]?.[0] ?? 0) < (pairs[index - 1]?.[1] ?? 0)) return true;
  }
  return false;
}

// msgpackr's types know only the one-argument form of `pack`; it passes the allocator too.
addExtension({
  // Every typed array (Buffers included) comes here, whatever its class.
  Class: Object.getPrototypeOf(Uint8Array) as new () => ArrayBufferView,
  type: SEGMENT_EXTENSION,
  pack(value: ArrayBufferView, allocate: Allocate): void {
    const kind = collecting === undefined ? -1 : kindIndex(value);
    if (kind < 0 || value.byteLength < OUT_OF_BAND_MIN_BYTES) writeInline(value, allocate);
    else writeReference(value, kind, allocate);
  },
  unpack: readReference,
} as unknown as Parameters<typeof addExtension>[0]);

/** A frame body's MessagePack part and the segments that follow it. */
export interface PackedFrame {
  /** The MessagePack part (the whole body when there are no segments). */
  readonly body: Uint8Array;
  /** The out-of-band segments, in order; empty when the frame has none. */
  readonly segments: readonly Uint8Array[];
  /** Each segment's offset in the segment area. */
  readonly offsets: readonly number[];
  /** The body's full length in bytes. */
  readonly bodyBytes: number;
  /**
   * True when `body` starts with the bytes `pack` was asked to reserve (a frame without
   * segments): the caller writes its length prefix there instead of copying the body.
   */
  readonly reserved: boolean;
}

const NO_SEGMENTS: readonly Uint8Array[] = Object.freeze([]);
const NO_OFFSETS: readonly number[] = Object.freeze([]);
// The collector of the last frame that had no segments, reused: most frames have none.
let spare: Collecting | undefined;

/**
 * Runs `pack(value)` with large typed arrays taken out of band. A `pack` that leaves
 * `reserve` free bytes before the MessagePack part says so: a frame without segments
 * keeps them (see {@link PackedFrame.reserved}); one with segments drops them.
 */
export function packWithSegments(
  pack: (value: unknown) => Uint8Array,
  value: unknown,
  reserve = 0,
): PackedFrame {
  const frame = spare ?? { segments: [], offsets: [], areaBytes: 0 };
  spare = undefined;
  collecting = frame;
  let body: Uint8Array;
  try {
    body = pack(value);
  } finally {
    collecting = undefined;
  }
  if (frame.segments.length === 0) {
    spare = frame;
    return {
      body,
      segments: NO_SEGMENTS,
      offsets: NO_OFFSETS,
      bodyBytes: body.length - reserve,
      reserved: reserve > 0,
    };
  }
  if (reserve > 0) body = body.subarray(reserve);
  const bodyBytes = align(OUT_OF_BAND_HEADER_BYTES + body.length) + frame.areaBytes;
  return { body, segments: frame.segments, offsets: frame.offsets, bodyBytes, reserved: false };
}

/**
 * Writes the body of a frame with segments into `target` at `at` (the header, the
 * MessagePack part, padding, and every segment): the one copy of the sending side.
 */
export function writeSegmentedBody(frame: PackedFrame, target: Uint8Array, at: number): void {
  const messageBytes = frame.body.length;
  target.fill(0, at, at + OUT_OF_BAND_HEADER_BYTES);
  target[at] = OUT_OF_BAND_MARKER;
  new DataView(target.buffer, target.byteOffset).setUint32(at + 4, messageBytes);
  target.set(frame.body, at + OUT_OF_BAND_HEADER_BYTES);
  const areaStart = align(OUT_OF_BAND_HEADER_BYTES + messageBytes);
  let written = OUT_OF_BAND_HEADER_BYTES + messageBytes;
  frame.segments.forEach((segment, index) => {
    const start = areaStart + (frame.offsets[index] ?? 0);
    target.fill(0, at + written, at + start); // padding: never leak old memory
    target.set(segment, at + start);
    written = start + segment.byteLength;
  });
  copiedOut(frame.segments);
}

/**
 * The frame of `frame` as buffers to write in order, without copying its segments: the
 * length prefix, header, MessagePack part and padding in one buffer, then each segment as
 * a view of its own memory, followed by its padding. For segments the sender no longer
 * touches (see `takeHandedOver` in receive-pool.ts).
 */
export function segmentedParts(frame: PackedFrame): Buffer[] {
  const messageBytes = frame.body.length;
  const areaStart = align(OUT_OF_BAND_HEADER_BYTES + messageBytes);
  const firstOffset = frame.offsets[0] ?? 0;
  // Zeroed: the header's reserved bytes and the padding never leak old memory.
  const head = Buffer.alloc(4 + areaStart + firstOffset);
  head.writeUInt32BE(frame.bodyBytes, 0);
  head[4] = OUT_OF_BAND_MARKER;
  head.writeUInt32BE(messageBytes, 8);
  head.set(frame.body, 4 + OUT_OF_BAND_HEADER_BYTES);
  const parts: Buffer[] = [head];
  frame.segments.forEach((segment, index) => {
    parts.push(Buffer.from(segment.buffer, segment.byteOffset, segment.byteLength));
    const end = (frame.offsets[index] ?? 0) + segment.byteLength;
    const next = frame.offsets[index + 1] ?? end;
    if (next > end) parts.push(Buffer.alloc(next - end));
  });
  return parts;
}

/**
 * Decodes a frame body with `unpack`, reading segment references from the segments that
 * follow its MessagePack part.
 *
 * @throws LaunchpadError `INTERNAL` when the header or a reference points outside the body,
 * a reference has a negative length or an offset that is not a multiple of
 * {@link SEGMENT_ALIGNMENT}, references overlap, or together name more bytes than the
 * segment area holds
 */
export function unpackWithSegments(
  unpack: (body: Uint8Array) => unknown,
  body: Uint8Array,
): unknown {
  if (body[0] !== OUT_OF_BAND_MARKER) return unpack(body);
  if (body.length < OUT_OF_BAND_HEADER_BYTES) {
    throw new LaunchpadError('INTERNAL', 'A frame body is shorter than its header.');
  }
  const messageBytes = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(4);
  const messageEnd = OUT_OF_BAND_HEADER_BYTES + messageBytes;
  if (messageEnd > body.length) {
    throw new LaunchpadError('INTERNAL', 'A frame body is shorter than its MessagePack part.');
  }
  const frame: Reading = { body, areaStart: align(messageEnd), referencedBytes: 0, spans: [] };
  reading = frame;
  let value: unknown;
  try {
    value = unpack(body.subarray(OUT_OF_BAND_HEADER_BYTES, messageEnd));
  } finally {
    reading = undefined;
  }
  if (overlapping(frame.spans)) {
    throw new LaunchpadError('INTERNAL', 'A frame has segment references that overlap.');
  }
  return value;
}
