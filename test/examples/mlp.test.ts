/** The hand-written MLP's gradients against finite differences, and Adam on a small fit. */
import { describe, expect, it } from 'vitest';
import { Adam, Mlp, parameterCount } from '../../examples/common/mlp.ts';
import { Random } from '../../examples/common/random.ts';

/** A loss with a gradient that differs per output: sum of c_k * y_k^2 / 2. */
function loss(net: Mlp, input: Float32Array, batch: number, weights: Float32Array): number {
  const out = net.forward(input, batch);
  let total = 0;
  out.forEach((y, k) => (total += ((weights[k] ?? 0) * y * y) / 2));
  return total;
}

describe('Mlp', () => {
  it('has the parameter count of its layers', () => {
    expect(new Mlp([4, 64, 64, 2]).params.length).toBe(parameterCount([4, 64, 64, 2]));
    expect(parameterCount([4, 64, 64, 2])).toBe(4 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2);
  });

  it("forwardOne gives forward(x, 1)'s outputs without disturbing the next backward", () => {
    const random = new Random(5);
    const net = new Mlp([4, 8, 8, 2], random);
    const batch = Float32Array.from({ length: 3 * 4 }, () => random.uniform(-1, 1));
    const out = net.forward(batch, 3).slice();
    const gradient = Float32Array.from(out, (y) => y);
    // backward() returns a buffer its next call overwrites: keep a copy.
    const expected = net.backward(gradient).slice();
    net.forward(batch, 3);
    for (let b = 0; b < 3; b++) {
      const one = batch.subarray(b * 4, b * 4 + 4);
      expect(Array.from(net.forwardOne(one))).toEqual(Array.from(out.subarray(b * 2, b * 2 + 2)));
    }
    // backward() still uses the batch of the last forward(), not forwardOne's input.
    expect(Array.from(net.backward(gradient))).toEqual(Array.from(expected));
    expect(() => net.forwardOne(new Float32Array(3))).toThrow(/expected 4 inputs, got 3/);
  });

  it('reuses its buffers: a learner step allocates no activations or gradients', () => {
    const random = new Random(7);
    const net = new Mlp([4, 16, 16, 2], random);
    const batch = Float32Array.from({ length: 5 * 4 }, () => random.uniform(-1, 1));
    const first = net.forward(batch, 5);
    const values = first.slice();
    const gradient = net.backward(Float32Array.from(first, (y) => y / 5));
    // The same arrays, overwritten with the same values, while the batch size holds.
    expect(net.forward(batch, 5)).toBe(first);
    expect(Array.from(first)).toEqual(Array.from(values));
    expect(net.backward(Float32Array.from(first, (y) => y / 5))).toBe(gradient);
    // Rows computed four at a time give what each row alone gives, bit for bit.
    for (let b = 0; b < 5; b++) {
      const row = Array.from(net.forwardOne(batch.subarray(b * 4, b * 4 + 4)));
      expect(row).toEqual(Array.from(values.subarray(b * 2, b * 2 + 2)));
    }
  });

  it('backward matches central finite differences for every parameter', () => {
    const random = new Random(3);
    const net = new Mlp([3, 5, 4, 2], random);
    for (let i = 0; i < net.params.length; i++) net.params[i] = random.uniform(-1, 1);
    const batch = 3;
    const input = Float32Array.from({ length: batch * 3 }, () => random.uniform(-1, 1));
    const weights = Float32Array.from({ length: batch * 2 }, () => random.uniform(0.5, 2));
    const out = net.forward(input, batch);
    const analytic = net.backward(out.map((y, k) => (weights[k] ?? 0) * y));
    // Float32 parameters: a step of 1e-2 keeps the rounding error small next to the slope.
    const h = 1e-2;
    let checked = 0;
    for (let i = 0; i < net.params.length; i++) {
      const saved = net.params[i]!;
      net.params[i] = saved + h;
      const up = loss(net, input, batch, weights);
      net.params[i] = saved - h;
      const down = loss(net, input, batch, weights);
      net.params[i] = saved;
      const numeric = (up - down) / (2 * h);
      const scale = Math.max(1, Math.abs(numeric), Math.abs(analytic[i]!));
      expect(Math.abs(numeric - analytic[i]!) / scale, `parameter ${i}`).toBeLessThan(2e-2);
      checked++;
    }
    expect(checked).toBe(net.params.length);
  });

  it('refuses inputs and gradients of the wrong size', () => {
    const net = new Mlp([2, 3, 1]);
    expect(() => net.forward(new Float32Array(3), 2)).toThrow(/expected 2 × 2 inputs, got 3/);
    net.forward(new Float32Array(4), 2);
    expect(() => net.backward(new Float32Array(3))).toThrow(/expected 2 × 1 gradients/);
    expect(() => new Mlp([2])).toThrow(/at least two positive integers/);
  });

  it('learns y = sin(x) with Adam to a small error', () => {
    const random = new Random(5);
    const net = new Mlp([1, 32, 1], random);
    const adam = new Adam(net.params.length, { learningRate: 0.01 });
    const batch = 32;
    const input = new Float32Array(batch);
    const target = new Float32Array(batch);
    let lastLoss = Infinity;
    for (let step = 0; step < 2_000; step++) {
      for (let b = 0; b < batch; b++) {
        input[b] = random.uniform(-3, 3);
        target[b] = Math.sin(input[b]!);
      }
      const out = net.forward(input, batch);
      const gradient = out.map((y, b) => (y - target[b]!) / batch);
      lastLoss = out.reduce((sum, y, b) => sum + (y - target[b]!) ** 2, 0) / batch;
      adam.step(net.params, net.backward(gradient));
    }
    expect(lastLoss).toBeLessThan(0.01);
  });
});
