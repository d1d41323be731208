/**
 * Measures one training step (forward, backward, Adam) of the CartPole Q-network, 4-64-64-2
 * with a batch of 64, in the hand-written MLP and in TensorFlow.js's pure-JS CPU backend,
 * plus the one-observation forward pass actors make at every step:
 * `npx tsx bench/mlp-compare.ts`. Bounded: a fixed number of steps each.
 */
// The full package: tfjs-core alone registers no gradients; its CPU backend is pure JS.
import * as tf from '@tensorflow/tfjs';

import { Adam, Mlp } from '../examples/common/mlp.ts';
import { Random } from '../examples/common/random.ts';

const SIZES = [4, 64, 64, 2] as const;
const BATCH = 64;
const TRAIN_STEPS = 300;
const ACT_STEPS = 3_000;

function perSecond(count: number, run: () => void): number {
  run(); // warm-up pass, so JIT compilation is not measured
  const start = performance.now();
  for (let i = 0; i < count; i++) run();
  return (count * 1000) / (performance.now() - start);
}

function handWritten(): { train: number; act: number } {
  const random = new Random(1);
  const net = new Mlp(SIZES, random);
  const adam = new Adam(net.params.length, { learningRate: 1e-3 });
  const input = Float32Array.from({ length: BATCH * 4 }, () => random.uniform(-1, 1));
  const one = input.subarray(0, 4);
  const train = perSecond(TRAIN_STEPS, () => {
    const out = net.forward(input, BATCH);
    adam.step(net.params, net.backward(out.map((y) => y / BATCH)));
  });
  const act = perSecond(ACT_STEPS, () => net.forward(one, 1));
  return { train, act };
}

async function tensorflow(): Promise<{ train: number; act: number }> {
  await tf.setBackend('cpu');
  const weights: tf.Variable[] = [];
  for (let l = 1; l < SIZES.length; l++) {
    const inputs = SIZES[l - 1] ?? 0;
    const outputs = SIZES[l] ?? 0;
    weights.push(tf.variable(tf.randomNormal([inputs, outputs], 0, 0.1)));
    weights.push(tf.variable(tf.zeros([outputs])));
  }
  const model = (x: tf.Tensor2D): tf.Tensor2D => {
    let h = x;
    for (let l = 0; l < weights.length; l += 2) {
      const w = weights[l];
      const b = weights[l + 1];
      if (w === undefined || b === undefined) throw new Error('unreachable: weights come in pairs');
      h = tf.add(tf.matMul(h, w), b);
      if (l + 2 < weights.length) h = tf.relu(h);
    }
    return h;
  };
  const optimizer = tf.train.adam(1e-3);
  const input = tf.randomUniform<tf.Rank.R2>([BATCH, 4], -1, 1);
  const one = tf.randomUniform<tf.Rank.R2>([1, 4], -1, 1);
  const train = perSecond(TRAIN_STEPS, () => {
    tf.tidy(() => {
      optimizer.minimize(() => tf.mean<tf.Scalar>(tf.square(model(input))));
    });
  });
  const act = perSecond(ACT_STEPS, () => {
    tf.tidy(() => model(one).dataSync());
  });
  return { train, act };
}

const mine = handWritten();
const theirs = await tensorflow();
const row = (name: string, r: { train: number; act: number }): string =>
  `${name.padEnd(28)} ${r.train.toFixed(0).padStart(8)} train steps/s ${r.act.toFixed(0).padStart(9)} actions/s`;
console.log(row('hand-written MLP', mine));
console.log(row('tfjs-core, cpu backend', theirs));
console.log(
  `ratio: train ×${(mine.train / theirs.train).toFixed(1)}, act ×${(mine.act / theirs.act).toFixed(1)}`,
);
