/**
 * @module
 * MessagePack encoding of frames through msgpackr, configured so that typed arrays keep
 * their type (`moreTypes`), `Map`s stay `Map`s, and plain objects stay plain objects.
 */
import { Packr } from 'msgpackr';
import { LaunchpadError } from '../errors.ts';

// One instance per process: msgpackr keeps a reusable output buffer inside it, and every
// buffer it returns stays valid (later encodes write past it), so sockets may hold them.
const packr = new Packr({ moreTypes: true, mapsAsObjects: false, useRecords: true });

/** The default upper bound on one encoded message, in bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 * 1024;

/** Encodes any supported value to a MessagePack buffer. */
export function encode(value: unknown): Buffer {
  return packr.pack(value);
}

/** Decodes a buffer made by {@link encode}. */
export function decode(body: Uint8Array): unknown {
  return packr.unpack(body);
}

/**
 * Encodes `value` as one frame: a 4-byte big-endian length followed by the body. The two
 * parts are returned separately so the body is never copied.
 *
 * @throws LaunchpadError `RESOURCE_EXHAUSTED` when the body exceeds `maxBytes`
 */
export function encodeFrame(value: unknown, maxBytes: number): [Buffer, Buffer] {
  const body = encode(value);
  if (body.length > maxBytes) {
    throw new LaunchpadError(
      'RESOURCE_EXHAUSTED',
      `The message is ${body.length} bytes, more than the maximum of ${maxBytes} bytes; ` +
        'send smaller values or raise maxMessageBytes.',
    );
  }
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(body.length, 0);
  return [header, body];
}
