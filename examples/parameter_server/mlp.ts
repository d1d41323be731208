/**
 * A one-hidden-layer perceptron (ReLU, softmax output) written by hand: its forward
 * pass, its cross-entropy gradient and its accuracy over flat parameter vectors, which is
 * exactly what a parameter server stores and sends. `test/examples/parameter-server-mlp.test.ts`
 * checks the gradient against finite differences.
 */
import type { Random } from '../common/random.ts';

/** A flat vector of numbers: parameters, gradients or a batch of inputs. */
export type Vector = Float32Array | Float64Array;

/** The layer sizes of an {@link Mlp}. */
export interface MlpShape {
  /** Input features. */
  readonly inputs: number;
  /** Hidden units. */
  readonly hidden: number;
  /** Output classes. */
  readonly classes: number;
}

/** Labelled examples, stored row by row. */
export interface Examples {
  /** `count × inputs` features. */
  readonly features: Vector;
  /** `count` class indices. */
  readonly labels: Uint8Array;
}

/** The loss and gradient of one batch. */
export interface BatchGradient {
  /** Mean cross-entropy over the batch. */
  readonly loss: number;
  /** Mean gradient, laid out as the parameters. */
  readonly gradient: Vector;
}

/** Scratch space of one forward pass: hidden activations and class probabilities. */
interface Activations {
  readonly h: Float64Array;
  readonly p: Float64Array;
}

/**
 * The model. Parameters are one vector laid out as `W1 (inputs × hidden) | b1 (hidden) |
 * W2 (classes × hidden) | b2 (classes)`, so they travel as one typed array. W1 is stored
 * input by input, so a pixel's weights are contiguous and a blank pixel is skipped whole.
 */
export class Mlp {
  /** Length of the parameter vector. */
  readonly size: number;
  private readonly b1: number;
  private readonly w2: number;
  private readonly b2: number;

  constructor(readonly shape: MlpShape) {
    for (const [name, value] of Object.entries(shape)) {
      if (!Number.isInteger(value) || (value as number) < 1) {
        throw new Error(`Mlp: shape.${name} must be a positive integer, got ${String(value)}`);
      }
    }
    const { inputs, hidden, classes } = shape;
    this.b1 = hidden * inputs;
    this.w2 = this.b1 + hidden;
    this.b2 = this.w2 + classes * hidden;
    this.size = this.b2 + classes;
  }

  /** Fresh parameters: He-scaled Gaussian weights, zero biases. */
  initialParameters(random: Random): Float32Array {
    const { inputs, hidden } = this.shape;
    const params = new Float32Array(this.size);
    const scale1 = Math.sqrt(2 / inputs);
    const scale2 = Math.sqrt(2 / hidden);
    for (let i = 0; i < this.b1; i++) params[i] = random.gaussian() * scale1;
    for (let i = this.w2; i < this.b2; i++) params[i] = random.gaussian() * scale2;
    return params;
  }

  /**
   * The mean loss and gradient over the examples whose indices are `batch`; the
   * gradient is written into `into` (zeroed first) when given, so a worker reuses one.
   */
  gradient(params: Vector, data: Examples, batch: readonly number[], into?: Vector): BatchGradient {
    this.checkParameters(params, 'gradient');
    const { inputs, hidden, classes } = this.shape;
    const grad = into ?? new Float64Array(this.size);
    grad.fill(0);
    const h = new Float64Array(hidden);
    const p = new Float64Array(classes);
    const dh = new Float64Array(hidden);
    let loss = 0;
    for (const n of batch) {
      const x = n * inputs;
      const label = data.labels[n] ?? -1;
      this.forward(params, data.features, x, { h, p });
      loss -= Math.log(Math.max(p[label] ?? 0, 1e-12));
      p[label] = (p[label] ?? 0) - 1; // p - onehot: d loss / d logits
      dh.fill(0);
      for (let k = 0; k < classes; k++) {
        const d = p[k] ?? 0;
        const row = this.w2 + k * hidden;
        grad[this.b2 + k] = (grad[this.b2 + k] ?? 0) + d;
        for (let j = 0; j < hidden; j++) {
          grad[row + j] = (grad[row + j] ?? 0) + d * (h[j] ?? 0);
          dh[j] = (dh[j] ?? 0) + d * (params[row + j] ?? 0);
        }
      }
      for (let j = 0; j < hidden; j++) {
        // ReLU passes the gradient only where the unit was active.
        if ((h[j] ?? 0) <= 0) dh[j] = 0;
        grad[this.b1 + j] = (grad[this.b1 + j] ?? 0) + (dh[j] ?? 0);
      }
      for (let i = 0; i < inputs; i++) {
        const xi = data.features[x + i] ?? 0;
        // Digit images are mostly blank; skipping zeros is most of the speed.
        if (xi === 0) continue;
        const row = i * hidden;
        for (let j = 0; j < hidden; j++) grad[row + j] = (grad[row + j] ?? 0) + (dh[j] ?? 0) * xi;
      }
    }
    const scale = 1 / batch.length;
    for (let i = 0; i < grad.length; i++) grad[i] = (grad[i] ?? 0) * scale;
    return { loss: loss * scale, gradient: grad };
  }

  /** The mean cross-entropy over the examples whose indices are `batch`. */
  loss(params: Vector, data: Examples, batch: readonly number[]): number {
    this.checkParameters(params, 'loss');
    const h = new Float64Array(this.shape.hidden);
    const p = new Float64Array(this.shape.classes);
    let loss = 0;
    for (const n of batch) {
      this.forward(params, data.features, n * this.shape.inputs, { h, p });
      loss -= Math.log(Math.max(p[data.labels[n] ?? -1] ?? 0, 1e-12));
    }
    return loss / batch.length;
  }

  /** The fraction of all `data` examples whose most probable class is their label. */
  accuracy(params: Vector, data: Examples): number {
    this.checkParameters(params, 'accuracy');
    const h = new Float64Array(this.shape.hidden);
    const p = new Float64Array(this.shape.classes);
    let correct = 0;
    for (let n = 0; n < data.labels.length; n++) {
      this.forward(params, data.features, n * this.shape.inputs, { h, p });
      let best = 0;
      for (let k = 1; k < p.length; k++) if ((p[k] ?? 0) > (p[best] ?? 0)) best = k;
      if (best === data.labels[n]) correct++;
    }
    return correct / data.labels.length;
  }

  /**
   * Hidden activations into `out.h` and class probabilities into `out.p` for the
   * example whose features start at `features[x]`.
   */
  private forward(params: Vector, features: Vector, x: number, out: Activations): void {
    const { inputs, hidden, classes } = this.shape;
    const { h, p } = out;
    for (let j = 0; j < hidden; j++) h[j] = params[this.b1 + j] ?? 0;
    for (let i = 0; i < inputs; i++) {
      const xi = features[x + i] ?? 0;
      if (xi === 0) continue;
      const row = i * hidden;
      for (let j = 0; j < hidden; j++) h[j] = (h[j] ?? 0) + (params[row + j] ?? 0) * xi;
    }
    for (let j = 0; j < hidden; j++) if ((h[j] ?? 0) < 0) h[j] = 0;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) {
      let sum = params[this.b2 + k] ?? 0;
      const row = this.w2 + k * hidden;
      for (let j = 0; j < hidden; j++) sum += (params[row + j] ?? 0) * (h[j] ?? 0);
      p[k] = sum;
      if (sum > max) max = sum;
    }
    // Softmax shifted by the largest logit, so exp() cannot overflow.
    let total = 0;
    for (let k = 0; k < classes; k++) {
      const e = Math.exp((p[k] ?? 0) - max);
      p[k] = e;
      total += e;
    }
    for (let k = 0; k < classes; k++) p[k] = (p[k] ?? 0) / total;
  }

  private checkParameters(params: Vector, method: string): void {
    if (params.length !== this.size) {
      throw new Error(
        `Mlp.${method}: expected ${this.size} parameters for shape ` +
          `${this.shape.inputs}-${this.shape.hidden}-${this.shape.classes}, got ${params.length}`,
      );
    }
  }
}
