/**
 * A small fully connected network (ReLU hidden layers, linear output) with backpropagation
 * and Adam, written by hand for the CartPole examples. For networks this small, TensorFlow.js's
 * per-operation overhead outweighs the arithmetic; docs/examples.md has the measurement.
 * Gradients are checked against finite differences in test/examples/mlp.test.ts.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- the hot loops index typed arrays
   within bounds set at construction; `?? 0` there would cost a branch per multiply-add. */
import type { Random } from './random.ts';

/** The number of parameters of a network with these layer sizes. */
export function parameterCount(sizes: readonly number[]): number {
  let count = 0;
  for (let l = 1; l < sizes.length; l++) {
    count += (sizes[l] ?? 0) * ((sizes[l - 1] ?? 0) + 1);
  }
  return count;
}

/**
 * A multilayer perceptron over a flat `Float32Array` of parameters, so parameters can be
 * published, copied into a target network, or checkpointed as one typed array.
 */
export class Mlp {
  /** All weights and biases, layer after layer. */
  readonly params: Float32Array;
  readonly #layers: DenseLayer[] = [];
  // Activations of the last forward pass (index 0 is the input), for backward(), and the
  // gradients of the hidden layers' outputs: made for one batch size, reused while it holds.
  #activations: Float32Array[] = [];
  #deltas: Float32Array[] = [];
  #bufferBatch = -1;
  #batch = 0;
  // The parameter gradient backward() returns, reused.
  readonly #gradient: Float32Array;
  // One output buffer per layer for forwardOne(), made once: an actor calls it every step.
  #oneBuffers: Float32Array[];

  /**
   * @param sizes - input size, hidden sizes, output size, e.g. `[4, 64, 64, 2]`
   * @param random - draws the initial weights (He initialisation); omit to start from zeros
   */
  constructor(
    readonly sizes: readonly number[],
    random?: Random,
  ) {
    if (sizes.length < 2 || sizes.some((size) => !Number.isInteger(size) || size < 1)) {
      throw new RangeError(
        `Mlp: sizes must be at least two positive integers, got [${sizes.join(', ')}]`,
      );
    }
    this.params = new Float32Array(parameterCount(sizes));
    const gradient = new Float32Array(this.params.length);
    this.#gradient = gradient;
    let offset = 0;
    for (let l = 1; l < sizes.length; l++) {
      const inputs = sizes[l - 1] ?? 0;
      const outputs = sizes[l] ?? 0;
      const relu = l < sizes.length - 1;
      this.#layers.push(new DenseLayer({ inputs, outputs, offset, relu }, this.params, gradient));
      if (random !== undefined) {
        const scale = Math.sqrt(2 / inputs);
        for (let i = 0; i < inputs * outputs; i++) {
          this.params[offset + i] = random.gaussian() * scale;
        }
      }
      offset += (inputs + 1) * outputs;
    }
    this.#oneBuffers = this.#layers.map((layer) => new Float32Array(layer.outputs));
  }

  /** Input size. */
  get inputSize(): number {
    return this.sizes[0] ?? 0;
  }

  /** Output size. */
  get outputSize(): number {
    return this.sizes.at(-1) ?? 0;
  }

  /** Copies parameters in (from a published vector, or another network). */
  setParams(params: ArrayLike<number>): void {
    if (params.length !== this.params.length) {
      throw new RangeError(
        `Mlp.setParams: expected ${this.params.length} parameters, got ${params.length}`,
      );
    }
    this.params.set(params);
  }

  /**
   * Computes the outputs of `batch` inputs laid out one after the other, and keeps the
   * activations for a following {@link backward}. Returns `batch × outputSize` values in a
   * buffer of this network's, which its next `forward` overwrites (copy it to keep it).
   */
  forward(input: Float32Array, batch: number): Float32Array {
    if (input.length !== batch * this.inputSize) {
      throw new RangeError(
        `Mlp.forward: expected ${batch} × ${this.inputSize} inputs, got ${input.length}`,
      );
    }
    const layers = this.#layers;
    const activations = this.#activationsFor(batch);
    activations[0] = input;
    let current = input;
    for (let index = 0; index < layers.length; index++) {
      const out = activations[index + 1]!;
      layers[index]!.forward(current, out);
      current = out;
    }
    this.#batch = batch;
    return current;
  }

  /**
   * The outputs for one input, as `forward(input, 1)` computes them, without allocating:
   * the result is a buffer of this network's that the next call overwrites. Keeps nothing
   * for {@link backward}.
   */
  forwardOne(input: Float32Array): Float32Array {
    if (input.length !== this.inputSize) {
      throw new RangeError(
        `Mlp.forwardOne: expected ${this.inputSize} inputs, got ${input.length}`,
      );
    }
    const layers = this.#layers;
    let current = input;
    for (let index = 0; index < layers.length; index++) {
      const out = this.#oneBuffers[index]!;
      layers[index]!.forward(current, out);
      current = out;
    }
    return current;
  }

  /**
   * Backpropagates `outputGradient` (d loss / d output of the last {@link forward}, same
   * layout as its result) and returns d loss / d parameters, aligned with {@link params},
   * in a buffer of this network's that its next `backward` overwrites.
   */
  backward(outputGradient: Float32Array): Float32Array {
    const batch = this.#batch;
    if (outputGradient.length !== batch * this.outputSize) {
      throw new RangeError(
        `Mlp.backward: expected ${batch} × ${this.outputSize} gradients (the last forward's batch), got ${outputGradient.length}`,
      );
    }
    const activations = this.#activations;
    let delta = outputGradient;
    for (let index = this.#layers.length - 1; index >= 0; index--) {
      const layer = this.#layers[index]!;
      const input = activations[index]!;
      // The gradient with respect to the layer's input, masked by the ReLU that made it;
      // the network's own input needs none.
      const previous = index > 0 ? this.#deltas[index - 1]! : undefined;
      layer.backward(input, delta, previous);
      if (previous !== undefined) delta = previous;
    }
    // Every entry was written (not added to) by the layers' backward().
    return this.#gradient;
  }

  // The activation buffers for batches of `batch`, made again only when the size changes.
  #activationsFor(batch: number): Float32Array[] {
    if (batch !== this.#bufferBatch) {
      this.#bufferBatch = batch;
      this.#activations = [
        new Float32Array(0),
        ...this.#layers.map((layer) => new Float32Array(batch * layer.outputs)),
      ];
      // One delta per hidden layer's output.
      this.#deltas = this.#layers
        .slice(0, -1)
        .map((layer) => new Float32Array(batch * layer.outputs));
    }
    return this.#activations;
  }
}

/** Where a layer's weights and biases sit in the flat parameter array, and its activation. */
interface LayerLayout {
  readonly inputs: number;
  readonly outputs: number;
  /** Offset of the weights (`outputs × inputs`, one row per output), then the biases. */
  readonly offset: number;
  /** ReLU on the outputs (hidden layers); the last layer is linear. */
  readonly relu: boolean;
}

/** One fully connected layer over its slice of a network's parameters and gradient. */
class DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  /** Offset of the weights in the parameters. */
  readonly weights: number;
  /** Offset of the `outputs` biases. */
  readonly biases: number;
  readonly relu: boolean;
  readonly #params: Float32Array;
  readonly #gradient: Float32Array;
  // backward()'s scratch: the nonzero output gradients of one column or row, and where.
  #nonzeroAt = new Int32Array(0);
  #nonzeroValue = new Float64Array(0);

  /**
   * @param layout - the layer's sizes, offset and activation
   * @param params - the network's parameters, read in place
   * @param gradient - the network's gradient, this layer's slice written by {@link backward}
   */
  constructor(layout: LayerLayout, params: Float32Array, gradient: Float32Array) {
    this.inputs = layout.inputs;
    this.outputs = layout.outputs;
    this.weights = layout.offset;
    this.biases = layout.offset + layout.inputs * layout.outputs;
    this.relu = layout.relu;
    this.#params = params;
    this.#gradient = gradient;
  }

  /**
   * `out = x Wᵀ + b` for as many rows as `out` has room for (ReLU'd when `relu`), four
   * rows by two outputs at a time: each loaded weight and input serves several
   * multiply-adds, and the sums are independent, so the additions do not wait on one
   * another. Each sum still adds its inputs in order, so a row's outputs do not depend on
   * the rows batched with it.
   */
  forward(x: Float32Array, out: Float32Array): void {
    const { inputs, outputs, weights, biases, relu } = this;
    const p = this.#params;
    const batch = out.length / outputs;
    let b = 0;
    for (; b + 4 <= batch; b += 4) {
      const x0 = b * inputs;
      const x1 = x0 + inputs;
      const x2 = x1 + inputs;
      const x3 = x2 + inputs;
      const o0 = b * outputs;
      let o = 0;
      // Two outputs by four rows: eight independent sums from six loads per input.
      for (; o + 2 <= outputs; o += 2) {
        const biasA = p[biases + o]!;
        const biasB = p[biases + o + 1]!;
        let a0 = biasA;
        let a1 = biasA;
        let a2 = biasA;
        let a3 = biasA;
        let b0 = biasB;
        let b1 = biasB;
        let b2 = biasB;
        let b3 = biasB;
        const rowA = weights + o * inputs;
        const rowB = rowA + inputs;
        for (let i = 0; i < inputs; i++) {
          const wa = p[rowA + i]!;
          const wb = p[rowB + i]!;
          const v0 = x[x0 + i]!;
          const v1 = x[x1 + i]!;
          const v2 = x[x2 + i]!;
          const v3 = x[x3 + i]!;
          a0 += wa * v0;
          a1 += wa * v1;
          a2 += wa * v2;
          a3 += wa * v3;
          b0 += wb * v0;
          b1 += wb * v1;
          b2 += wb * v2;
          b3 += wb * v3;
        }
        // `s > 0 ? s : 0`, not Math.max: a NaN stays out of the hidden layers as before.
        out[o0 + o] = relu ? (a0 > 0 ? a0 : 0) : a0;
        out[o0 + outputs + o] = relu ? (a1 > 0 ? a1 : 0) : a1;
        out[o0 + 2 * outputs + o] = relu ? (a2 > 0 ? a2 : 0) : a2;
        out[o0 + 3 * outputs + o] = relu ? (a3 > 0 ? a3 : 0) : a3;
        out[o0 + o + 1] = relu ? (b0 > 0 ? b0 : 0) : b0;
        out[o0 + outputs + o + 1] = relu ? (b1 > 0 ? b1 : 0) : b1;
        out[o0 + 2 * outputs + o + 1] = relu ? (b2 > 0 ? b2 : 0) : b2;
        out[o0 + 3 * outputs + o + 1] = relu ? (b3 > 0 ? b3 : 0) : b3;
      }
      for (; o < outputs; o++) {
        const bias = p[biases + o]!;
        let s0 = bias;
        let s1 = bias;
        let s2 = bias;
        let s3 = bias;
        const row = weights + o * inputs;
        for (let i = 0; i < inputs; i++) {
          const w = p[row + i]!;
          s0 += w * x[x0 + i]!;
          s1 += w * x[x1 + i]!;
          s2 += w * x[x2 + i]!;
          s3 += w * x[x3 + i]!;
        }
        out[o0 + o] = relu ? (s0 > 0 ? s0 : 0) : s0;
        out[o0 + outputs + o] = relu ? (s1 > 0 ? s1 : 0) : s1;
        out[o0 + 2 * outputs + o] = relu ? (s2 > 0 ? s2 : 0) : s2;
        out[o0 + 3 * outputs + o] = relu ? (s3 > 0 ? s3 : 0) : s3;
      }
    }
    // The rows left over (all of them for one observation): four outputs at a time.
    for (; b < batch; b++) {
      const x0 = b * inputs;
      const o0 = b * outputs;
      let o = 0;
      for (; o + 4 <= outputs; o += 4) {
        let s0 = p[biases + o]!;
        let s1 = p[biases + o + 1]!;
        let s2 = p[biases + o + 2]!;
        let s3 = p[biases + o + 3]!;
        const row0 = weights + o * inputs;
        const row1 = row0 + inputs;
        const row2 = row1 + inputs;
        const row3 = row2 + inputs;
        for (let i = 0; i < inputs; i++) {
          const v = x[x0 + i]!;
          s0 += p[row0 + i]! * v;
          s1 += p[row1 + i]! * v;
          s2 += p[row2 + i]! * v;
          s3 += p[row3 + i]! * v;
        }
        out[o0 + o] = relu ? (s0 > 0 ? s0 : 0) : s0;
        out[o0 + o + 1] = relu ? (s1 > 0 ? s1 : 0) : s1;
        out[o0 + o + 2] = relu ? (s2 > 0 ? s2 : 0) : s2;
        out[o0 + o + 3] = relu ? (s3 > 0 ? s3 : 0) : s3;
      }
      for (; o < outputs; o++) {
        let sum = p[biases + o]!;
        const row = weights + o * inputs;
        for (let i = 0; i < inputs; i++) sum += p[row + i]! * x[x0 + i]!;
        out[o0 + o] = relu ? (sum > 0 ? sum : 0) : sum;
      }
    }
  }

  /**
   * Writes the layer's parameter gradients into its slice of the network's gradient and,
   * when `previous` is given (sized like `x`), the gradient with respect to the layer's
   * input there, masked by the ReLU that produced the input. Only nonzero output
   * gradients take part (inactive units and unchosen actions give zeros), and every sum
   * runs over four columns at a time in independent sums, written once: no
   * read-modify-write of `grad` or `previous` per multiply-add.
   */
  backward(x: Float32Array, delta: Float32Array, previous: Float32Array | undefined): void {
    const { inputs, outputs, weights, biases } = this;
    const p = this.#params;
    const grad = this.#gradient;
    const batch = delta.length / outputs;
    // Room for one column of the batch or one row of outputs.
    const room = Math.max(batch, outputs);
    if (this.#nonzeroAt.length < room) {
      this.#nonzeroAt = new Int32Array(room);
      this.#nonzeroValue = new Float64Array(room);
    }
    const at = this.#nonzeroAt;
    const value = this.#nonzeroValue;
    // d loss / d W[o][i] = Σ_b delta[b][o] · x[b][i], over the rows where delta[b][o] ≠ 0.
    for (let o = 0; o < outputs; o++) {
      let count = 0;
      let biasSum = 0;
      for (let b = 0; b < batch; b++) {
        const d = delta[b * outputs + o]!;
        if (d === 0) continue;
        at[count] = b * inputs;
        value[count] = d;
        count++;
        biasSum += d;
      }
      grad[biases + o] = biasSum;
      const row = weights + o * inputs;
      let i = 0;
      for (; i + 4 <= inputs; i += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < count; j++) {
          const d = value[j]!;
          const xi = at[j]! + i;
          s0 += d * x[xi]!;
          s1 += d * x[xi + 1]!;
          s2 += d * x[xi + 2]!;
          s3 += d * x[xi + 3]!;
        }
        grad[row + i] = s0;
        grad[row + i + 1] = s1;
        grad[row + i + 2] = s2;
        grad[row + i + 3] = s3;
      }
      for (; i < inputs; i++) {
        let sum = 0;
        for (let j = 0; j < count; j++) sum += value[j]! * x[at[j]! + i]!;
        grad[row + i] = sum;
      }
    }
    if (previous === undefined) return;
    // d loss / d x[b][i] = Σ_o delta[b][o] · W[o][i], over the outputs where delta[b][o] ≠ 0.
    for (let b = 0; b < batch; b++) {
      const inBase = b * inputs;
      const outBase = b * outputs;
      let count = 0;
      for (let o = 0; o < outputs; o++) {
        const d = delta[outBase + o]!;
        if (d === 0) continue;
        at[count] = weights + o * inputs;
        value[count] = d;
        count++;
      }
      let i = 0;
      for (; i + 4 <= inputs; i += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let j = 0; j < count; j++) {
          const d = value[j]!;
          const w = at[j]! + i;
          s0 += d * p[w]!;
          s1 += d * p[w + 1]!;
          s2 += d * p[w + 2]!;
          s3 += d * p[w + 3]!;
        }
        // ReLU: the gradient passes only where the unit was active.
        const xi = inBase + i;
        previous[xi] = x[xi]! > 0 ? s0 : 0;
        previous[xi + 1] = x[xi + 1]! > 0 ? s1 : 0;
        previous[xi + 2] = x[xi + 2]! > 0 ? s2 : 0;
        previous[xi + 3] = x[xi + 3]! > 0 ? s3 : 0;
      }
      for (; i < inputs; i++) {
        let sum = 0;
        for (let j = 0; j < count; j++) sum += value[j]! * p[at[j]! + i]!;
        previous[inBase + i] = x[inBase + i]! > 0 ? sum : 0;
      }
    }
  }
}

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** Step size. */
  readonly learningRate: number;
  /** @default 0.9 */
  readonly beta1?: number;
  /** @default 0.999 */
  readonly beta2?: number;
  /** @default 1e-8 */
  readonly epsilon?: number;
  /** Gradients are scaled down to this global L2 norm when longer. @default Infinity */
  readonly maxGradNorm?: number;
}

/** The Adam optimiser (Kingma and Ba, 2015) over a flat parameter array. */
export class Adam {
  readonly #m: Float32Array;
  readonly #v: Float32Array;
  #t = 0;

  /**
   * @param size - the number of parameters
   * @param options - learning rate and the usual constants
   */
  constructor(
    size: number,
    private readonly options: AdamOptions,
  ) {
    this.#m = new Float32Array(size);
    this.#v = new Float32Array(size);
  }

  /** Updates `params` in place with `grad`. */
  step(params: Float32Array, grad: Float32Array): void {
    const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 } = this.options;
    const n = params.length;
    if (grad.length !== n) {
      throw new RangeError(`Adam.step: expected ${n} gradients, got ${grad.length}`);
    }
    let scale = 1;
    const maxNorm = this.options.maxGradNorm ?? Infinity;
    if (Number.isFinite(maxNorm)) {
      let squares = 0;
      for (let i = 0; i < n; i++) squares += grad[i]! * grad[i]!;
      const norm = Math.sqrt(squares);
      if (norm > maxNorm) scale = maxNorm / norm;
    }
    this.#t++;
    // The bias corrections folded into the step size and ε once per step, not per parameter:
    // lr·(m/c1)/(√(v/c2) + ε) = (lr·√c2/c1)·m/(√v + ε·√c2).
    const correction1 = 1 - beta1 ** this.#t;
    const root2 = Math.sqrt(1 - beta2 ** this.#t);
    const stepSize = (learningRate * root2) / correction1;
    const eps = epsilon * root2;
    const m = this.#m;
    const v = this.#v;
    for (let i = 0; i < n; i++) {
      const g = grad[i]! * scale;
      const mi = beta1 * m[i]! + (1 - beta1) * g;
      const vi = beta2 * v[i]! + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] = params[i]! - (stepSize * mi) / (Math.sqrt(vi) + eps);
    }
  }
}
