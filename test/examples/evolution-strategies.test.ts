/**
 * The evolution-strategies example learns CartPole: a small seeded run under
 * `in-process` reaches the maximum mean return within a budget of generations.
 */
import { describe, expect, it } from 'vitest';
import * as lp from 'launchpad-ts';
import { DEFAULT_CONFIG, type EsConfig } from '../../examples/evolution_strategies/config.ts';
import { centredRanks, searchGradient } from '../../examples/evolution_strategies/es-update.ts';
import { EsWorker } from '../../examples/evolution_strategies/es-worker.ts';
import { noiseTable } from '../../examples/evolution_strategies/noise-table.ts';
import { makeProgram } from '../../examples/evolution_strategies/program.ts';

const small: EsConfig = {
  ...DEFAULT_CONFIG,
  numWorkers: 2,
  pairs: 8,
  generations: 40,
  evalEpisodes: 5,
  noiseSize: 10_000,
  seed: 1,
};

describe('evolution_strategies', () => {
  it('goes from a falling pole to a mean return of 500 within 40 generations', async () => {
    const { program, master } = makeProgram(small);
    await using running = lp.launch(program, { launchType: 'in-process' });
    const result = await running.client(master).train();
    expect(result.curve[0]?.score).toBeLessThan(50);
    expect(result.meanReturn).toBe(500);
    expect(result.generations).toBeLessThanOrEqual(40);
    // Every generation plays 2 × 8 episodes of at most 500 steps.
    expect(result.envSteps).toBeLessThanOrEqual(result.generations * 16 * 500);
    expect(result.secondsToTarget).toBe(result.curve.at(-1)?.seconds);
    // The curve also reaches the launcher's metrics, as gauges of the master node.
    const lastScore = await new Promise<number | undefined>((resolve) => {
      const unsubscribe = running.onMetrics((report) => {
        if (report.nodeId !== 'master/0') return;
        const score = report.user.find((metric) => metric.name === 'curve_score');
        if (score === undefined) return;
        unsubscribe();
        resolve(score.series[0]?.value);
      });
    });
    expect(lastScore).toBe(result.meanReturn);
  });

  it('gives workers the same noise table, so an offset names the same perturbation', () => {
    const worker = new EsWorker(small);
    const table = noiseTable(small.seed, small.noiseSize);
    expect(noiseTable(small.seed, small.noiseSize)).toBe(table);
    const theta = [0, 0, 1, 1, 0];
    const [first] = worker.evaluate(theta, [{ offset: 17, episodeSeed: 5 }]);
    const [again] = new EsWorker(small).evaluate(theta, [{ offset: 17, episodeSeed: 5 }]);
    expect(again).toEqual(first);
    expect(() => worker.evaluate(theta, [{ offset: small.noiseSize, episodeSeed: 1 }])).toThrow(
      /EsWorker\.evaluate: tasks\[0\]\.offset: noise offset must be an integer in \[0, 9995\]/,
    );
  });

  it('ranks fitness onto [-0.5, 0.5] and follows the better sign of each pair', () => {
    expect(centredRanks([10, 30, 20, 20])).toEqual([-0.5, 0.5, 0, 0]);
    const noise = Float32Array.from([1, 0, 0, 1]);
    // Perturbation at offset 0 is e1; +e1 did better, so the gradient points along +e1.
    const gradient = searchGradient(
      [
        { offset: 0, positive: 100, negative: 10, steps: 0 },
        { offset: 2, positive: 50, negative: 50, steps: 0 },
      ],
      noise,
      2,
      0.5,
    );
    expect(gradient[0]).toBeGreaterThan(0);
    expect(gradient[1]).toBe(0);
  });
});
