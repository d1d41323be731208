/**
 * The hand-written model of the parameter-server example: its gradient must match
 * central finite differences of its loss, on a small model in double precision.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../examples/common/random.ts';
import { Mlp, type Examples } from '../../examples/parameter_server/mlp.ts';

const shape = { inputs: 6, hidden: 5, classes: 4 };

function smallData(random: Random, count: number): Examples {
  // Some zero features on purpose: the model skips them, and must still be right.
  const features = Float64Array.from({ length: count * shape.inputs }, () =>
    random.next() < 0.3 ? 0 : random.gaussian(),
  );
  const labels = Uint8Array.from({ length: count }, () => random.int(shape.classes));
  return { features, labels };
}

describe('parameter_server Mlp', () => {
  it('has a gradient equal to finite differences of its loss', () => {
    const random = new Random(7);
    const model = new Mlp(shape);
    const params = Float64Array.from(model.initialParameters(random));
    // Biases start at zero; move them so their gradients are tested away from zero too.
    for (let i = 0; i < params.length; i++) params[i] = (params[i] ?? 0) + 0.1 * random.gaussian();
    const data = smallData(random, 8);
    const batch = [0, 1, 2, 3, 4, 5, 6, 7, 3];
    const { gradient, loss } = model.gradient(params, data, batch);
    expect(loss).toBeCloseTo(model.loss(params, data, batch), 12);
    const epsilon = 1e-6;
    let checked = 0;
    for (let i = 0; i < params.length; i++) {
      const saved = params[i] ?? 0;
      params[i] = saved + epsilon;
      const up = model.loss(params, data, batch);
      params[i] = saved - epsilon;
      const down = model.loss(params, data, batch);
      params[i] = saved;
      const numeric = (up - down) / (2 * epsilon);
      expect(gradient[i], `parameter ${i}`).toBeCloseTo(numeric, 6);
      if (numeric !== 0) checked++;
    }
    // Most parameters matter for this batch, so the check is not vacuous.
    expect(checked).toBeGreaterThan(params.length / 2);
  });

  it('names the method and the expected size when parameters have the wrong length', () => {
    const model = new Mlp(shape);
    const data = smallData(new Random(1), 2);
    expect(() => model.gradient(new Float32Array(3), data, [0])).toThrow(
      /Mlp\.gradient: expected 59 parameters for shape 6-5-4, got 3/,
    );
    expect(() => new Mlp({ ...shape, hidden: 0 })).toThrow(/shape\.hidden must be a positive/);
  });
});
