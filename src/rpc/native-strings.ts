/**
 * @module
 * msgpackr's native string decoder (its optional addon, `msgpackr-extract`), installed when
 * a process or thread first decodes a frame large enough for it to pay, not while it
 * starts.
 *
 * The codec imports msgpackr's JavaScript alone (`msgpackr/pack`, which loads no native
 * code). Its full entry (`msgpackr`) locates the addon for this platform and libc, loads it
 * through the CommonJS loader and `dlopen`, and hands its string extractor to the decoder
 * that both entries share: a few milliseconds of every node thread's and process's start
 * (see docs/startup.md), for a decoder that is several times faster on frames with many
 * strings and no faster on the small frames of a start (msgpackr itself decodes a body
 * under 140 bytes in JavaScript). So a node holds the addon back until it serves
 * ({@link holdNativeStrings}, {@link releaseNativeStrings}); from then on, as in a launcher
 * from its start, the first frame body of {@link NATIVE_STRINGS_MIN_FRAME_BYTES} or more
 * loads it, in the background: that frame and those decoded before the addon is in are
 * decoded in JavaScript, with the same result.
 *
 * `MSGPACKR_NATIVE_ACCELERATION_DISABLED=true` keeps the addon out, as msgpackr documents;
 * a platform without it decodes in JavaScript.
 */

/**
 * The size of frame body from which a process loads the native decoder: above the 140
 * bytes under which msgpackr decodes in JavaScript anyway, with a margin, so that the
 * small frames of a node's start and of small calls never load it.
 */
export const NATIVE_STRINGS_MIN_FRAME_BYTES = 256;

/**
 * Where the native decoder stands in this process or thread: `waiting` for a large frame,
 * `held` by a node that does not serve yet, `loading`, `installed`, or `unavailable` (no
 * addon for this platform, or turned off).
 */
export type NativeStringsState = 'waiting' | 'held' | 'loading' | 'installed' | 'unavailable';

let state: NativeStringsState = 'waiting';
let loading: Promise<boolean> | undefined;

/** Where the native decoder stands in this process or thread. */
export function nativeStringsState(): NativeStringsState {
  return state;
}

/** Keeps the native decoder out until {@link releaseNativeStrings}: a node starting. */
export function holdNativeStrings(): void {
  if (state === 'waiting') state = 'held';
}

/** Lets the next large frame load the native decoder: the node serves. */
export function releaseNativeStrings(): void {
  if (state === 'held') state = 'waiting';
}

/**
 * Notes the size of a frame body about to be decoded: the first one of
 * {@link NATIVE_STRINGS_MIN_FRAME_BYTES} or more, once nothing holds the decoder back,
 * starts loading it. One comparison per frame otherwise.
 */
export function noteFrameBytes(bytes: number): void {
  if (state === 'waiting' && bytes >= NATIVE_STRINGS_MIN_FRAME_BYTES) {
    void installNativeStrings();
  }
}

/**
 * Loads msgpackr's full entry, which installs the native decoder into the decoder the
 * codec uses (one module of msgpackr's, shared by both entries), whatever holds it back.
 * Resolves to whether it is installed; never rejects.
 */
export function installNativeStrings(): Promise<boolean> {
  if (loading === undefined) {
    state = 'loading';
    loading = import('msgpackr').then(
      (msgpackr) => {
        state = msgpackr.isNativeAccelerationEnabled ? 'installed' : 'unavailable';
        return state === 'installed';
      },
      () => {
        state = 'unavailable';
        return false;
      },
    );
  }
  return loading;
}
