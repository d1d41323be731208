/**
 * Measures one SGD step (forward, backward, update) of the parameter_server example's
 * 784-64-10 digit classifier on a batch of 32 real digits, in its hand-written model and
 * in TensorFlow.js's pure-JS CPU backend: `npx tsx bench/digits-mlp-compare.ts`.
 * Bounded: a fixed number of steps each.
 */
import * as tf from '@tensorflow/tfjs';

import { Random } from '../examples/common/random.ts';
import { CLASSES, PIXELS, loadDigits } from '../examples/parameter_server/digits.ts';
import { Mlp } from '../examples/parameter_server/mlp.ts';

const HIDDEN = 64;
const BATCH = 32;
const STEPS = 100;
const LEARNING_RATE = 0.3;

function perSecond(count: number, run: () => void): number {
  run(); // warm-up pass, so JIT compilation is not measured
  const start = performance.now();
  for (let i = 0; i < count; i++) run();
  return (count * 1000) / (performance.now() - start);
}

const { train } = loadDigits(1);
const random = new Random(2);
const batches = Array.from({ length: STEPS + 1 }, () =>
  Array.from({ length: BATCH }, () => random.int(train.labels.length)),
);

function handWritten(): number {
  const model = new Mlp({ inputs: PIXELS, hidden: HIDDEN, classes: CLASSES });
  const params = model.initialParameters(new Random(3));
  const gradient = new Float32Array(model.size);
  let step = 0;
  return perSecond(STEPS, () => {
    model.gradient(params, train, batches[step++ % batches.length] ?? [], gradient);
    for (let i = 0; i < params.length; i++) {
      params[i] = (params[i] ?? 0) - LEARNING_RATE * (gradient[i] ?? 0);
    }
  });
}

async function tensorflow(): Promise<number> {
  await tf.setBackend('cpu');
  const w1 = tf.variable(tf.randomNormal([PIXELS, HIDDEN], 0, Math.sqrt(2 / PIXELS)));
  const b1 = tf.variable(tf.zeros([HIDDEN]));
  const w2 = tf.variable(tf.randomNormal([HIDDEN, CLASSES], 0, Math.sqrt(2 / HIDDEN)));
  const b2 = tf.variable(tf.zeros([CLASSES]));
  const optimizer = tf.train.sgd(LEARNING_RATE);
  // The batches as tensors up front, so only the step itself is measured.
  const inputs = batches.map((batch) => {
    const x = new Float32Array(BATCH * PIXELS);
    batch.forEach((n, row) => {
      x.set(train.features.subarray(n * PIXELS, (n + 1) * PIXELS), row * PIXELS);
    });
    const labels = Int32Array.from(batch, (n) => train.labels[n] ?? 0);
    return {
      x: tf.tensor2d(x, [BATCH, PIXELS]),
      y: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES),
    };
  });
  let step = 0;
  return perSecond(STEPS, () => {
    const batch = inputs[step++ % inputs.length];
    if (batch === undefined) throw new Error('unreachable: one tensor pair per batch');
    tf.tidy(() => {
      optimizer.minimize(() => {
        const hidden = tf.relu(tf.add(tf.matMul(batch.x, w1), b1));
        const logits = tf.add(tf.matMul(hidden, w2), b2);
        return tf.losses.softmaxCrossEntropy(batch.y, logits);
      });
    });
  });
}

const mine = handWritten();
const theirs = await tensorflow();
const row = (name: string, stepsPerSecond: number): string =>
  `${name.padEnd(28)} ${stepsPerSecond.toFixed(1).padStart(8)} SGD steps/s`;
console.log(row('hand-written MLP', mine));
console.log(row('tfjs, cpu backend', theirs));
console.log(`ratio: ×${(mine / theirs).toFixed(1)}`);
