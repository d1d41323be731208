/**
 * Large values: 64 MiB typed arrays and Buffers round-trip intact, and a message over the
 * configured maximum fails only its own call, in either direction, with a clear error.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, serve } from './harness.ts';

const MiB = 1024 * 1024;

class Store {
  echo<T>(value: T): T {
    return value;
  }
  make(bytes: number): Uint8Array {
    return new Uint8Array(bytes).fill(7);
  }
  size(value: Uint8Array): number {
    return value.byteLength;
  }
}

afterEach(closeAll);

describe('large values', () => {
  it('round-trips a 64 MiB Float32Array and a 64 MiB Buffer intact', async () => {
    const { client } = await serve(new Store());
    const store = client();
    const floats = new Float32Array((64 * MiB) / 4);
    for (let i = 0; i < floats.length; i += 4093) floats[i] = i * 0.5;
    floats[floats.length - 1] = -1.25;
    const back = (await store.echo(floats)) as Float32Array;
    expect(back).toBeInstanceOf(Float32Array);
    expect(back.length).toBe(floats.length);
    expect(
      Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(Buffer.from(floats.buffer)),
    ).toBe(true);

    const bytes = Buffer.alloc(64 * MiB + 3);
    for (let i = 0; i < bytes.length; i += 997) bytes[i] = i % 251;
    const bytesBack = (await store.echo(bytes)) as Uint8Array;
    expect(Buffer.from(bytesBack).equals(bytes)).toBe(true);
  }, 120_000);
});

describe('the maximum message size', () => {
  it('fails an oversize argument with RESOURCE_EXHAUSTED and keeps the connection', async () => {
    const { client } = await serve(new Store(), { maxMessageBytes: MiB });
    const store = client();
    expect(await store.size(new Uint8Array(10))).toBe(10);
    const error = await store.size(new Uint8Array(2 * MiB)).catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'RESOURCE_EXHAUSTED')).toBe(true);
    expect((error as Error).message).toMatch(/service\/0\.size\(\) was not sent.*maximum/);
    expect(await store.size(new Uint8Array(100))).toBe(100);
  });

  it('fails an oversize result with RESOURCE_EXHAUSTED and keeps the server', async () => {
    const { client } = await serve(new Store(), { maxMessageBytes: MiB });
    const store = client();
    const error = await store.make(2 * MiB).catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'RESOURCE_EXHAUSTED')).toBe(true);
    expect((error as Error).message).toMatch(/result was not sent.*maximum/);
    expect((await store.make(16)).length).toBe(16);
    expect(await client().size(new Uint8Array(5))).toBe(5);
  });

  it('skips an argument over the server’s limit and answers that call alone', async () => {
    const { client } = await serve(new Store(), { maxMessageBytes: MiB });
    const store = client({ maxMessageBytes: 8 * MiB });
    const [big, small] = await Promise.all([
      store.size(new Uint8Array(3 * MiB)).catch((e: unknown) => e),
      store.size(new Uint8Array(3)),
    ]);
    expect(lp.isLaunchpadError(big, 'RESOURCE_EXHAUSTED')).toBe(true);
    expect(small).toBe(3);
    expect(await store.size(new Uint8Array(4))).toBe(4);
  });

  it('skips a result over the client’s limit and fails that call alone', async () => {
    const { client } = await serve(new Store(), { maxMessageBytes: 8 * MiB });
    const store = client({ maxMessageBytes: MiB });
    const error = await store.make(3 * MiB).catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'RESOURCE_EXHAUSTED')).toBe(true);
    expect((error as Error).message).toContain('service/0.make()');
    expect((await store.make(8)).length).toBe(8);
  });
});
