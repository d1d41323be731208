/**
 * A small seeded random generator (mulberry32), so a chaos run can be replayed: the seed
 * comes from `LP_CHAOS_SEED` when set, and every test prints the one it used.
 */

/** Random numbers in [0, 1) from `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed of this run: `LP_CHAOS_SEED`, else `fallback`. */
export function chaosSeed(fallback: number): number {
  const configured = Number(process.env['LP_CHAOS_SEED']);
  return Number.isInteger(configured) ? configured : fallback;
}
