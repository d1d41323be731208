/**
 * The parameter-server example learns: a small seeded run under `in-process`, in both
 * modes, within a budget of updates.
 */
import { describe, expect, it } from 'vitest';
import * as lp from 'launchpad-ts';
import type { PsConfig } from '../../examples/parameter_server/config.ts';
import { ParameterServer } from '../../examples/parameter_server/parameter-server.ts';
import { makeProgram } from '../../examples/parameter_server/program.ts';

const small: PsConfig = {
  mode: 'sync',
  numWorkers: 2,
  steps: 120,
  batchSize: 16,
  learningRate: 0.3,
  hidden: 16,
  seed: 3,
  evalEvery: 40,
  trainLimit: 2_000,
  testLimit: 400,
};

describe.each(['sync', 'async'] as const)('parameter_server, %s SGD with 2 workers', (mode) => {
  it('goes from chance to over 60% held-out accuracy in 120 updates', async () => {
    const { program, evaluator } = makeProgram({ ...small, mode });
    await using running = lp.launch(program, { launchType: 'in-process' });
    const result = await running.client(evaluator).follow();
    expect(result.steps).toBe(120);
    const first = result.curve[0];
    expect(first?.steps).toBeLessThanOrEqual(2);
    expect(first?.score).toBeLessThan(0.4);
    expect(result.accuracy).toBeGreaterThan(0.6);
    expect(result.curve.at(-1)?.score).toBe(result.accuracy);
  });
});

describe('ParameterServer', () => {
  const options = {
    initial: new Float32Array([1, 2]),
    mode: 'sync' as const,
    numWorkers: 2,
    learningRate: 0.5,
    steps: 2,
  };

  it('applies the mean gradient once every worker has pushed, and sends parameters only when newer', async () => {
    const server = new ParameterServer(options);
    const first = server.pushSync(0, new Float32Array([2, 0]));
    expect(server.fetch(0)).toEqual({ version: 0, values: null, done: false });
    const second = server.pushSync(1, new Float32Array([0, 4]));
    expect(await first).toEqual({ version: 1, done: false });
    expect(await second).toEqual({ version: 1, done: false });
    expect(server.fetch(0).values).toEqual(new Float32Array([0.5, 1]));
    expect(server.fetch(1).values).toBeNull();
  });

  it('divides the step of a stale asynchronous gradient by its staleness plus one', () => {
    const server = new ParameterServer({ ...options, mode: 'async' });
    expect(server.pushAsync(new Float32Array([2, 2]), 0)).toEqual({ version: 1, done: false });
    // Computed on version 0, arriving at version 1: half the step.
    expect(server.pushAsync(new Float32Array([2, 2]), 0)).toEqual({ version: 2, done: true });
    expect(server.fetch().values).toEqual(new Float32Array([-0.5, 0.5]));
  });

  it('refuses bad pushes, naming the method and the argument', async () => {
    const server = new ParameterServer(options);
    await expect(server.pushSync(0, new Float32Array(3))).rejects.toThrow(
      /ParameterServer\.pushSync: gradient must be a Float32Array of 2 numbers, got 3 numbers/,
    );
    await expect(server.pushSync(2, new Float32Array(2))).rejects.toThrow(
      /workerId must be an integer in \[0, 2\)/,
    );
    expect(() => server.pushAsync(new Float32Array(2), 0)).toThrow(/this server runs sync SGD/);
    const asyncServer = new ParameterServer({ ...options, mode: 'async' });
    expect(() => asyncServer.pushAsync(new Float32Array(2), 5)).toThrow(
      /pushAsync: baseVersion must be an integer in \[0, 0\], got 5/,
    );
    expect(() => new ParameterServer({ ...options, steps: 0 })).toThrow(
      /options\.steps must be a positive/,
    );
  });
});
