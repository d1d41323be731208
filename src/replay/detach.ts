/**
 * @module
 * {@link detachViews}: copies binary views that share a larger buffer. The RPC codec
 * decodes binary data as views into the received socket chunk, without copying; a
 * replay node keeps items for a long time, and one 1 KiB view would otherwise keep a
 * whole 64 KiB chunk alive.
 */

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/**
 * `value` with every typed array or Buffer that views part of a larger buffer copied.
 * Arrays, Maps and plain objects are updated in place: the values come fresh off the wire.
 */
export function detachViews(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ArrayBuffer.isView(value)) {
    if (value.byteLength === value.buffer.byteLength) return value;
    // A Buffer's slice() is a view, not a copy: copy it explicitly.
    if (Buffer.isBuffer(value)) return Buffer.from(value);
    // slice() on a typed array copies into a buffer of exactly its own size.
    return (value as unknown as { slice(): unknown }).slice();
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = detachViews(value[i]);
    return value;
  }
  if (value instanceof Map) {
    for (const [key, item] of value) value.set(key, detachViews(item));
    return value;
  }
  if (isPlainObject(value)) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = detachViews(record[key]);
  }
  return value;
}
