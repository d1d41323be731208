/**
 * The codec loads msgpackr's native string decoder on the first frame body of
 * NATIVE_STRINGS_MIN_FRAME_BYTES or more, not on smaller ones, and not while a starting
 * node holds it back; values decode the same with it and without.
 */
import * as msgpackr from 'msgpackr/pack';
import { describe, expect, it } from 'vitest';
import { decodeFrameBody, encodeMessage } from '../../src/rpc/codec.ts';
import {
  holdNativeStrings,
  installNativeStrings,
  NATIVE_STRINGS_MIN_FRAME_BYTES,
  nativeStringsState,
  releaseNativeStrings,
} from '../../src/rpc/native-strings.ts';
import { manyStrings } from '../fixtures/native-strings.ts';

const nativeEnabled = (): boolean => Reflect.get(msgpackr, 'isNativeAccelerationEnabled') === true;
const roundTrip = (value: unknown): unknown => decodeFrameBody(encodeMessage(value, 1e9));

describe('the native string decoder, loaded by the first large frame', () => {
  it('waits through small frames and while held, loads on a large one', async () => {
    const large = { strings: manyStrings(), list: Object.values(manyStrings()) };
    const small = [1, 'ping', 12_345];
    expect(encodeMessage(small, 1e9).byteLength).toBeLessThan(NATIVE_STRINGS_MIN_FRAME_BYTES);
    expect(encodeMessage(large, 1e9).byteLength).toBeGreaterThanOrEqual(
      NATIVE_STRINGS_MIN_FRAME_BYTES,
    );
    expect(nativeStringsState()).toBe('waiting');
    expect(roundTrip(small)).toEqual(small);
    expect(nativeStringsState()).toBe('waiting');

    holdNativeStrings();
    expect(roundTrip(large)).toEqual(large);
    expect(nativeStringsState()).toBe('held');
    expect(nativeEnabled()).toBe(false);

    releaseNativeStrings();
    expect(roundTrip(large)).toEqual(large);
    expect(nativeStringsState()).toBe('loading');
    expect(await installNativeStrings()).toBe(true);
    expect(nativeStringsState()).toBe('installed');
    expect(nativeEnabled()).toBe(true);
    expect(roundTrip(large)).toEqual(large);
    expect(roundTrip(small)).toEqual(small);
    // Held once installed changes nothing.
    holdNativeStrings();
    expect(nativeStringsState()).toBe('installed');
  });
});
