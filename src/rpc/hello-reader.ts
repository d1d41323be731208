/**
 * @module
 * Reads a HELLO body by hand, before the secret is checked: a HELLO has one fixed shape
 * (a MessagePack array of three: the integer 0 and two strings), so nothing else of a
 * stranger's first frame is decoded. The general decoder (out-of-band segments,
 * extensions, records) is kept for connections that presented the secret.
 */
import { FrameType } from './protocol.ts';

/** What a HELLO carries. */
export interface Hello {
  /** The secret the client presents. */
  readonly secret: string;
  /** The caller's id. */
  readonly callerId: string;
}

// MessagePack: fixarray of 3, positive fixint 0.
const FIXARRAY_3 = 0x93;
const FIXSTR = 0xa0;
const FIXSTR_MASK = 0xe0;
const STR8 = 0xd9;
const STR16 = 0xda;

/**
 * Reads `body` as `[0, secret, callerId]`, or returns `undefined` when it is anything else
 * (another frame, an out-of-band body, trailing bytes). Strings of up to 64 KiB are read,
 * more than a HELLO's size limit allows.
 */
export function readHello(body: Uint8Array): Hello | undefined {
  if (body.length < 4 || body[0] !== FIXARRAY_3 || body[1] !== FrameType.hello) return undefined;
  const secret = readString(body, 2);
  if (secret === undefined) return undefined;
  const callerId = readString(body, secret.end);
  if (callerId?.end !== body.length) return undefined;
  return { secret: secret.text, callerId: callerId.text };
}

function readString(
  body: Uint8Array,
  at: number,
): { readonly text: string; readonly end: number } | undefined {
  const head = body[at];
  if (head === undefined) return undefined;
  let length: number;
  let start: number;
  if ((head & FIXSTR_MASK) === FIXSTR) {
    length = head & 0x1f;
    start = at + 1;
  } else if (head === STR8 && at + 1 < body.length) {
    length = body[at + 1] ?? 0;
    start = at + 2;
  } else if (head === STR16 && at + 2 < body.length) {
    length = ((body[at + 1] ?? 0) << 8) | (body[at + 2] ?? 0);
    start = at + 3;
  } else {
    return undefined;
  }
  const end = start + length;
  if (end > body.length) return undefined;
  return { text: Buffer.from(body.buffer, body.byteOffset + start, length).toString(), end };
}
