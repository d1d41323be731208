/** CartPole against trajectories recorded from Gymnasium 1.3.0's CartPole-v1. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CartPole, MAX_EPISODE_STEPS } from '../../examples/common/cartpole.ts';
import { Random } from '../../examples/common/random.ts';

interface GoldenEpisode {
  readonly initial_state: number[];
  readonly actions: number[];
  readonly observations: number[][];
  readonly rewards: number[];
  readonly terminated: boolean[];
}

const golden = JSON.parse(
  readFileSync(new URL('../fixtures/cartpole_golden.json', import.meta.url), 'utf8'),
) as { episodes: GoldenEpisode[] };

describe('CartPole', () => {
  it.each(golden.episodes.map((episode, index) => [index, episode] as const))(
    'matches Gymnasium episode %i step by step within 1e-5',
    (_index, episode) => {
      const env = new CartPole(new Random(0));
      env.reset(episode.initial_state);
      episode.actions.forEach((action, t) => {
        const step = env.step(action);
        const expected = episode.observations[t]!;
        for (let i = 0; i < expected.length; i++) {
          expect(Math.abs(step.observation[i]! - expected[i]!)).toBeLessThanOrEqual(1e-5);
        }
        expect(step.reward).toBe(episode.rewards[t]);
        expect(step.terminated).toBe(episode.terminated[t]);
        // Gymnasium's TimeLimit truncates at 500 steps; the recording stops there.
        expect(step.truncated).toBe(!step.terminated && t + 1 === MAX_EPISODE_STEPS);
      });
    },
  );

  it('covers both endings: a fall and a full 500-step episode', () => {
    expect(golden.episodes.some((e) => e.terminated.at(-1) === true)).toBe(true);
    expect(golden.episodes.some((e) => e.actions.length === MAX_EPISODE_STEPS)).toBe(true);
  });

  it('refuses a step after the end and a bad action', () => {
    const env = new CartPole(new Random(1));
    expect(() => env.step(0)).toThrow(/call reset\(\) first/);
    env.reset();
    expect(() => env.step(2)).toThrow(/action must be 0 or 1, got 2/);
  });

  it('starts from the same states for the same seed', () => {
    const a = new CartPole(new Random(7)).reset();
    const b = new CartPole(new Random(7)).reset();
    const c = new CartPole(new Random(8)).reset();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const v of a) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
  });
});

describe('Random', () => {
  it('draws uniform values in range and Gaussians with mean 0 and variance 1', () => {
    const random = new Random(42);
    let sum = 0;
    let sumSquares = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const u = random.next();
      expect(u >= 0 && u < 1).toBe(true);
      const g = random.gaussian();
      sum += g;
      sumSquares += g * g;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.05);
    expect(Math.abs(sumSquares / n - 1)).toBeLessThan(0.05);
  });
});
