/**
 * A small fully connected network (ReLU hidden layers, linear output) with backpropagation
 * and Adam, written by hand for the CartPole examples. For networks this small, TensorFlow.js's
 * per-operation overhead outweighs the arithmetic; docs/examples.md has the measurement.
 * Gradients are checked against finite differences in test/examples/mlp.test.ts.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- the hot loops index typed arrays
   within bounds set at construction; `?? 0` there would cost a branch per multiply-add. */
import type { Random } from './random.ts';

/** Where each layer's weights and biases sit in the flat parameter array. */
interface LayerLayout {
  readonly inputs: number;
  readonly outputs: number;
  /** Offset of the weights, `outputs × inputs`, row-major (one row per output). */
  readonly weights: number;
  /** Offset of the `outputs` biases. */
  readonly biases: number;
}

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
  readonly #layers: LayerLayout[] = [];
  // Activations of the last forward pass (index 0 is the input), for backward().
  #activations: Float32Array[] = [];
  #batch = 0;
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
    let offset = 0;
    for (let l = 1; l < sizes.length; l++) {
      const inputs = sizes[l - 1] ?? 0;
      const outputs = sizes[l] ?? 0;
      this.#layers.push({ inputs, outputs, weights: offset, biases: offset + inputs * outputs });
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
   * activations for a following {@link backward}. Returns `batch × outputSize` values.
   */
  forward(input: Float32Array, batch: number): Float32Array {
    if (input.length !== batch * this.inputSize) {
      throw new RangeError(
        `Mlp.forward: expected ${batch} × ${this.inputSize} inputs, got ${input.length}`,
      );
    }
    const p = this.params;
    const activations = [input];
    let current = input;
    this.#layers.forEach((layer, index) => {
      const last = index === this.#layers.length - 1;
      const { inputs, outputs, weights, biases } = layer;
      const out = new Float32Array(batch * outputs);
      for (let b = 0; b < batch; b++) {
        const inBase = b * inputs;
        const outBase = b * outputs;
        for (let o = 0; o < outputs; o++) {
          let sum = p[biases + o]!;
          const row = weights + o * inputs;
          for (let i = 0; i < inputs; i++) sum += p[row + i]! * current[inBase + i]!;
          out[outBase + o] = last || sum > 0 ? sum : 0;
        }
      }
      activations.push(out);
      current = out;
    });
    this.#activations = activations;
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
    const p = this.params;
    const layers = this.#layers;
    let current = input;
    for (let index = 0; index < layers.length; index++) {
      const { inputs, outputs, weights, biases } = layers[index]!;
      const out = this.#oneBuffers[index]!;
      const last = index === layers.length - 1;
      for (let o = 0; o < outputs; o++) {
        let sum = p[biases + o]!;
        const row = weights + o * inputs;
        for (let i = 0; i < inputs; i++) sum += p[row + i]! * current[i]!;
        out[o] = last || sum > 0 ? sum : 0;
      }
      current = out;
    }
    return current;
  }

  /**
   * Backpropagates `outputGradient` (d loss / d output of the last {@link forward}, same
   * layout as its result) and returns d loss / d parameters, aligned with {@link params}.
   */
  backward(outputGradient: Float32Array): Float32Array {
    const batch = this.#batch;
    if (outputGradient.length !== batch * this.outputSize) {
      throw new RangeError(
        `Mlp.backward: expected ${batch} × ${this.outputSize} gradients (the last forward's batch), got ${outputGradient.length}`,
      );
    }
    const p = this.params;
    const grad = new Float32Array(p.length);
    let delta = outputGradient;
    for (let index = this.#layers.length - 1; index >= 0; index--) {
      const { inputs, outputs, weights, biases } = this.#layers[index]!;
      const input = this.#activations[index]!;
      const previous = index > 0 ? new Float32Array(batch * inputs) : undefined;
      for (let b = 0; b < batch; b++) {
        const inBase = b * inputs;
        const outBase = b * outputs;
        for (let o = 0; o < outputs; o++) {
          const d = delta[outBase + o]!;
          if (d === 0) continue;
          grad[biases + o]! += d;
          const row = weights + o * inputs;
          for (let i = 0; i < inputs; i++) grad[row + i]! += d * input[inBase + i]!;
          if (previous === undefined) continue;
          for (let i = 0; i < inputs; i++) previous[inBase + i]! += d * p[row + i]!;
        }
      }
      if (previous !== undefined) {
        // ReLU: the gradient passes only where the hidden unit was active.
        for (let i = 0; i < previous.length; i++) if (!(input[i]! > 0)) previous[i] = 0;
        delta = previous;
      }
    }
    return grad;
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
    let scale = 1;
    const maxNorm = this.options.maxGradNorm ?? Infinity;
    if (Number.isFinite(maxNorm)) {
      let squares = 0;
      for (const g of grad) squares += g * g;
      const norm = Math.sqrt(squares);
      if (norm > maxNorm) scale = maxNorm / norm;
    }
    this.#t++;
    const correction1 = 1 - beta1 ** this.#t;
    const correction2 = 1 - beta2 ** this.#t;
    const m = this.#m;
    const v = this.#v;
    for (let i = 0; i < params.length; i++) {
      const g = (grad[i] ?? 0) * scale;
      const mi = beta1 * (m[i] ?? 0) + (1 - beta1) * g;
      const vi = beta2 * (v[i] ?? 0) + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] =
        (params[i] ?? 0) -
        (learningRate * (mi / correction1)) / (Math.sqrt(vi / correction2) + epsilon);
    }
  }
}
