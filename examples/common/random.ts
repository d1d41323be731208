/**
 * A small seeded random number generator, so examples and their tests replay exactly.
 * `Math.random()` cannot be seeded; a run that learns only by luck must be reproducible.
 */

/** Uniform and Gaussian draws from one seeded stream (sfc32, a fast 128-bit-state generator). */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareGaussian: number | undefined;

  /** A stream fully determined by `seed` (any 32-bit integer). */
  constructor(seed: number) {
    if (!Number.isInteger(seed))
      throw new TypeError(`Random: seed must be an integer, got ${seed}`);
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    // Mixes the seed through the state: neighbouring seeds otherwise start alike.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float uniform in [0, 1), with 53 random bits. */
  next(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A float uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** An integer uniform in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(`Random.int: n must be a positive integer, got ${n}`);
    }
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  gaussian(): number {
    const spare = this.spareGaussian;
    if (spare !== undefined) {
      this.spareGaussian = undefined;
      return spare;
    }
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.spareGaussian = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** A seed for another stream, so one seed can derive independent streams per worker. */
  fork(): Random {
    return new Random(this.nextUint32() | 0);
  }
}
