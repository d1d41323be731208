/**
 * @module
 * msgpackr's JavaScript alone: its `msgpackr/pack` entry, which under Node names the same
 * modules as the full `msgpackr` entry, less the loader of its native addon (see
 * native-strings.ts). Typed as the full entry: the subpath's own declarations re-export
 * from `'.'`, which NodeNext resolution does not follow, so they come out untyped.
 */
import type * as Full from 'msgpackr';
import * as javaScriptOnly from 'msgpackr/pack';

const msgpackr = javaScriptOnly as unknown as Pick<
  typeof Full,
  'addExtension' | 'Packr' | 'RESERVE_START_SPACE'
>;

/** msgpackr's `addExtension`: registers an extension for packing and unpacking. */
export const addExtension = msgpackr.addExtension;
/** msgpackr's `Packr` class: packs and unpacks with the options it is made with. */
export const Packr = msgpackr.Packr;
/** msgpackr's flag asking `pack` to leave that many bytes free before the body. */
export const RESERVE_START_SPACE = msgpackr.RESERVE_START_SPACE;
