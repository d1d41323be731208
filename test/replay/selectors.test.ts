/**
 * The selectors behind samplers and removers keep their index of each item on the item
 * itself (no map from keys): checked against a plain list of the held items over many
 * seeded random inserts, deletes, updates and picks, so the order selector's holes and
 * compactions and the heaps' and arrays' moved items are all exercised.
 */
import { describe, expect, it } from 'vitest';
import { HeapSelector } from '../../src/replay/heap-selector.ts';
import { OrderSelector } from '../../src/replay/order-selector.ts';
import { PrioritizedSelector } from '../../src/replay/prioritized-selector.ts';
import { createRng } from '../../src/replay/rng.ts';
import { placesOf, type Selectable, type Selector } from '../../src/replay/selector.ts';
import { UniformSelector } from '../../src/replay/uniform-selector.ts';

interface Item extends Selectable {
  priority: number;
  stamp: number;
}

/** What each selector must pick among the held items (in insertion order), if decided. */
type Expected = (held: readonly Item[]) => Item | undefined;

const best =
  (sign: number): Expected =>
  (held) =>
    held.reduce<Item | undefined>((top, item) => {
      if (top === undefined) return item;
      if (item.priority !== top.priority)
        return sign * (item.priority - top.priority) < 0 ? item : top;
      return item.stamp < top.stamp ? item : top;
    }, undefined);

const CASES: [string, () => Selector, Expected][] = [
  ['fifo', () => new OrderSelector('fifo', placesOf('remover')), (held) => held[0]],
  ['lifo', () => new OrderSelector('lifo', placesOf('sampler')), (held) => held.at(-1)],
  ['min-heap', () => new HeapSelector('min', placesOf('remover')), best(1)],
  ['max-heap', () => new HeapSelector('max', placesOf('sampler')), best(-1)],
  ['uniform', () => new UniformSelector(createRng(2), placesOf('sampler')), () => undefined],
  [
    'prioritized',
    () => new PrioritizedSelector(0.6, createRng(3), placesOf('sampler')),
    () => undefined,
  ],
];

describe('selectors', () => {
  for (const [name, make, expected] of CASES) {
    it(`${name}: picks what a plain list says over 20,000 random operations`, () => {
      const selector = make();
      const random = createRng(1);
      const held: Item[] = [];
      let clock = 0;
      let nextKey = 1;
      const mismatches: string[] = [];
      for (let step = 0; step < 20_000; step++) {
        const roll = random.next();
        // Grow to about 300 items, then churn, with deletes anywhere (holes in the middle).
        if (held.length === 0 || (roll < 0.55 && held.length < 300) || roll < 0.35) {
          const item: Item = {
            key: nextKey++,
            priority: 1 + Math.floor(random.next() * 5),
            samplerPlace: -1,
            removerPlace: -1,
            stamp: clock++,
          };
          selector.insert(item);
          held.push(item);
        } else if (roll < 0.8) {
          const index = Math.floor(random.next() * held.length);
          const [item] = held.splice(index, 1);
          selector.delete(item!);
          selector.delete(item!); // a second delete of the same item changes nothing
        } else {
          const item = held[Math.floor(random.next() * held.length)]!;
          item.priority = 1 + Math.floor(random.next() * 5);
          item.stamp = clock++;
          selector.update(item);
        }
        // Plain checks in the loop (an expect per step is slow); one expect at the end.
        if (selector.size !== held.length) mismatches.push(`step ${step}: size`);
        if (held.length === 0) continue;
        const picked = selector.select().item;
        const want = expected(held);
        if (!held.includes(picked as Item) || (want !== undefined && picked !== want)) {
          mismatches.push(`step ${step}: picked ${picked.key}, wanted ${want?.key ?? 'any held'}`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});
