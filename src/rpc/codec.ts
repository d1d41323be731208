/**
 * @module
 * MessagePack encoding of frames through msgpackr, configured so that typed arrays keep
 * their type (`moreTypes`), `Map`s stay `Map`s, plain objects stay plain objects, and an
 * `Error` keeps its name, message and stack.
 */
// msgpackr's JavaScript alone: its native string decoder loads later (native-strings.ts).
import { addExtension, Packr, RESERVE_START_SPACE } from './msgpackr-js.ts';
import { LaunchpadError } from '../errors/errors.ts';
import { mapNodeBundleFrames } from '../internal/node-bundle-frames.ts';
import { noteFrameBytes } from './native-strings.ts';
import {
  packWithSegments,
  type PackedFrame,
  segmentedParts,
  unpackWithSegments,
  writeSegmentedBody,
} from './out-of-band.ts';
import { takeHandedOver } from './receive-pool.ts';

// msgpackr's own encoding of errors keeps name and message but drops the stack, and
// rebuilds only built-in classes. Ours keeps the stack too, and a `cause` that is itself an
// Error: an error sent as a value arrives as an Error a caller can read and log. (Other
// fields, and the class of a custom error, do not cross; its `name` does.)
const ERROR_EXTENSION = 0x4d;
const BUILT_IN_ERRORS: Readonly<Partial<Record<string, ErrorConstructor>>> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

addExtension({
  Class: Error,
  type: ERROR_EXTENSION,
  write: (error: Error): unknown[] => [
    error.name,
    error.message,
    mapNodeBundleFrames(error.stack),
    error.cause instanceof Error ? error.cause : undefined,
  ],
  read: ([name, message, stack, cause]: [unknown, unknown, unknown, unknown]): Error => {
    const key = String(name);
    const Constructor =
      (Object.hasOwn(BUILT_IN_ERRORS, key) ? BUILT_IN_ERRORS[key] : Error) ?? Error;
    const error =
      cause instanceof Error
        ? new Constructor(String(message), { cause })
        : new Constructor(String(message));
    if (error.name !== key) error.name = key;
    if (typeof stack === 'string') error.stack = stack;
    return error;
  },
});

// One instance per process: msgpackr keeps a reusable output buffer inside it, and every
// buffer it returns stays valid (later encodes write past it), so sockets may hold them.
const packr = new Packr({ moreTypes: true, mapsAsObjects: false, useRecords: true });

/** The default upper bound on one encoded message, in bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 * 1024;

// Below this size the length prefix and the body are joined into one buffer: copying a
// few hundred bytes is cheaper than a second write. Above it the body is never copied.
const JOIN_BELOW_BYTES = 16 * 1024;

// The most of msgpackr's encode buffer a small queued socket frame may keep alive.
const HOLD_AT_MOST_BYTES = 1024 * 1024;

/** Encodes any supported value to a MessagePack buffer. */
export function encode(value: unknown): Buffer {
  return packr.pack(value);
}

/** Decodes a buffer made by {@link encode}. */
export function decode(body: Uint8Array): unknown {
  return packr.unpack(body);
}

const pack = (value: unknown): Uint8Array => packr.pack(value);
// A socket frame's 4-byte length prefix, left free by msgpackr before the body, so a
// frame is one buffer without a copy of its body.
const PREFIX_BYTES = 4;
const packPrefixed = (value: unknown): Uint8Array =>
  packr.pack(value, RESERVE_START_SPACE | PREFIX_BYTES);
const unpack = (body: Uint8Array): unknown => packr.unpack(body);

/**
 * Decodes a frame body made by {@link encodeFrame} or {@link encodeMessage}: large typed
 * arrays come back as views of `body` where their alignment allows (see out-of-band.ts).
 */
export function decodeFrameBody(body: Uint8Array): unknown {
  // msgpackr returns `bin` as the class of what it reads: a Buffer view (no copy) makes a
  // Buffer arrive as a Buffer from a MessagePort too, as it does over TCP.
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  noteFrameBytes(bytes.byteLength);
  return unpackWithSegments(unpack, bytes);
}

/** The error for a message over the limit; `what` says which message. */
export function oversizeError(what: string, bytes: number, maxBytes: number): LaunchpadError {
  return new LaunchpadError(
    'RESOURCE_EXHAUSTED',
    `${what} is ${bytes} bytes, more than the maximum message size of ${maxBytes} bytes; ` +
      'send smaller values (or stream them in parts), or raise maxMessageBytes.',
  );
}

/**
 * A frame written from memory the sender handed over: its parts in order, and what to
 * call once the socket has written them all.
 */
export interface HandedOverFrame {
  readonly parts: readonly Buffer[];
  readonly sent: () => void;
}

/**
 * Encodes `value` as one frame: a 4-byte big-endian length followed by the body. A small
 * frame comes back as one buffer; a large one without typed arrays as the prefix and the
 * body, so the body is never copied. A frame with out-of-band segments (large typed
 * arrays) comes back as one buffer from `allocate` holding the prefix, the body and every
 * segment: the one copy of its bytes on the sending side, after which the caller may
 * change its arrays.
 *
 * @throws LaunchpadError `RESOURCE_EXHAUSTED` when the body exceeds `maxBytes`
 */
export function encodeFrame(
  value: unknown,
  maxBytes: number,
  allocate: (size: number) => Buffer = (size) => Buffer.allocUnsafe(size),
): Buffer | [Buffer, Buffer] {
  return framePacked(packFrame(value, maxBytes), allocate);
}

/**
 * {@link encodeFrame} for a socket: when every out-of-band array of the frame was handed
 * over with `recycleOnceSent` (the sender keeps nothing of it), the frame comes back as
 * parts that are views of the arrays' memory, without the sending side's copy.
 *
 * @throws LaunchpadError `RESOURCE_EXHAUSTED` when the body exceeds `maxBytes`
 */
export function encodeSocketFrame(
  value: unknown,
  maxBytes: number,
  allocate: (size: number) => Buffer,
): Buffer | [Buffer, Buffer] | HandedOverFrame {
  const packed = packFrame(value, maxBytes, packPrefixed, PREFIX_BYTES);
  if (packed.reserved) {
    // A view of msgpackr's buffer keeps all of it alive while it waits to be written, and
    // after one large message that buffer stays large: a small frame is copied out of it.
    const view = packed.body as Buffer;
    const frame =
      view.buffer.byteLength > HOLD_AT_MOST_BYTES && view.byteLength < JOIN_BELOW_BYTES
        ? Buffer.from(view)
        : view;
    frame.writeUInt32BE(packed.bodyBytes, 0);
    return frame;
  }
  const sent = takeHandedOver(packed.segments);
  if (sent !== undefined) return { parts: segmentedParts(packed), sent };
  return framePacked(packed, allocate);
}

function packFrame(
  value: unknown,
  maxBytes: number,
  packer: (value: unknown) => Uint8Array = pack,
  reserve = 0,
): PackedFrame {
  const packed = packWithSegments(packer, value, reserve);
  if (packed.bodyBytes > maxBytes) throw oversizeError('The message', packed.bodyBytes, maxBytes);
  return packed;
}

function framePacked(
  packed: PackedFrame,
  allocate: (size: number) => Buffer,
): Buffer | [Buffer, Buffer] {
  const length = packed.bodyBytes;
  if (packed.segments.length > 0) {
    const frame = allocate(4 + length);
    frame.writeUInt32BE(length, 0);
    writeSegmentedBody(packed, frame, 4);
    return frame;
  }
  const body = packed.body as Buffer;
  if (length < JOIN_BELOW_BYTES) {
    const frame = Buffer.allocUnsafe(length + 4);
    frame.writeUInt32BE(length, 0);
    body.copy(frame, 4);
    return frame;
  }
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(length, 0);
  return [header, body];
}

/**
 * Encodes `value` as one frame body in a buffer of its own that starts at offset 0 (from
 * `allocate`, given the body's size; a fresh one by default), for a MessagePort to move
 * (not copy) or lend to the receiver, which then decodes its typed arrays as views
 * without a copy.
 *
 * @throws LaunchpadError `RESOURCE_EXHAUSTED` when the body exceeds `maxBytes`
 */
export function encodeMessage<TBuffer extends ArrayBufferLike = ArrayBuffer>(
  value: unknown,
  maxBytes: number,
  allocate: (size: number) => Uint8Array<TBuffer> = (size) =>
    new Uint8Array(size) as Uint8Array<TBuffer>,
): Uint8Array<TBuffer> {
  const packed = packWithSegments(pack, value);
  const length = packed.bodyBytes;
  if (length > maxBytes) throw oversizeError('The message', length, maxBytes);
  const message = allocate(length);
  if (packed.segments.length > 0) writeSegmentedBody(packed, message, 0);
  else message.set(packed.body);
  return message;
}
