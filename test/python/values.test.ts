/**
 * Values, arrays, handles, errors, streams, deadlines and cancellation between TypeScript
 * and Python nodes, and between Python nodes, under `processes`: one launch serves every
 * case of this file.
 */
import * as lp from 'launchpad-ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { Doubler, type EchoApi } from './fixtures/services.ts';
import { TEST_PYTHON } from './python-interpreter.ts';
import { launchForFile } from './shared-launch.ts';

let running: lp.RunningProgram;
let echo: lp.Client<EchoApi>;

beforeAll(() => {
  const p = new lp.Program('py-values');
  const doubler = p.addNode(new lp.ServiceNode(Doubler), 'doubler');
  const other = p.addNode(new lp.PythonNode<EchoApi>('./fixtures/nodes.py', 'Echo'), 'other');
  // Handles nested in an object and in an array inside it.
  const handle = p.addNode(
    new lp.PythonNode<EchoApi>(
      new URL('./fixtures/nodes.py', import.meta.url),
      'Echo',
      { doubler, other, both: [doubler, other] },
      { lr: 0.5, layers: [4, 2], name: 'x' },
    ),
    'echo',
  );
  running = launchForFile(p, { launchType: 'processes', python: TEST_PYTHON });
  echo = lp.withOptions(running.client(handle), { timeoutMs: 30_000 });
});

const TYPED_ARRAYS = [
  ['Int8Array', 'int8', (n: number) => Int8Array.from({ length: n }, (_, i) => (i % 200) - 100)],
  ['Uint8Array', 'uint8', (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 256)],
  ['Int16Array', 'int16', (n: number) => Int16Array.from({ length: n }, (_, i) => i - 300)],
  ['Uint16Array', 'uint16', (n: number) => Uint16Array.from({ length: n }, (_, i) => i * 7)],
  ['Int32Array', 'int32', (n: number) => Int32Array.from({ length: n }, (_, i) => -i * 100_000)],
  ['Uint32Array', 'uint32', (n: number) => Uint32Array.from({ length: n }, (_, i) => i * 100_000)],
  ['Float32Array', 'float32', (n: number) => Float32Array.from({ length: n }, (_, i) => i / 3)],
  ['Float64Array', 'float64', (n: number) => Float64Array.from({ length: n }, (_, i) => i / 7)],
  [
    'BigInt64Array',
    'int64',
    (n: number) => BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * -(2n ** 40n)),
  ],
  [
    'BigUint64Array',
    'uint64',
    (n: number) => BigUint64Array.from({ length: n }, (_, i) => BigInt(i) * 2n ** 50n),
  ],
] as const;

describe('values between TypeScript and Python', () => {
  it('round-trips every plain value kind', async () => {
    const values: unknown[] = [
      null,
      true,
      false,
      0,
      1,
      63,
      64,
      127,
      255,
      65_536,
      2 ** 31,
      2 ** 40,
      -1,
      -33,
      -(2 ** 40),
      1.5,
      -0.25,
      '',
      'héllo ✓',
      'x'.repeat(300),
      [],
      [1, 'a', [2, [3]]],
      {},
      { a: 1, b: { c: [1, 2], d: null } },
      [{ a: 1 }, { a: 2 }, { b: 3 }, { a: 4 }],
      new Map<unknown, unknown>([
        [1, 'one'],
        [2, 'two'],
      ]),
      Buffer.from([1, 2, 3]),
      Buffer.alloc(2000, 7),
    ];
    for (const value of values) expect(await echo.echo(value)).toEqual(value);
    // Through Python to TypeScript and back (Python encodes the arguments this time).
    for (const value of values) {
      expect(await echo.call_peer('doubler', 'echo', value)).toEqual(value);
    }
  });

  it('gives Python the matching types', async () => {
    expect(await echo.describe([1, 1.5, 'a', true, null, Buffer.from('x')])).toEqual({
      type: 'list',
      items: [
        { type: 'int' },
        { type: 'float' },
        { type: 'str' },
        { type: 'bool' },
        { type: 'NoneType' },
        { type: 'bytes' },
      ],
    });
    expect(await echo.describe(new Map([['k', 1]]))).toEqual({
      type: 'dict',
      items: { k: { type: 'int' } },
    });
    // undefined arrives as None; a Map with string keys comes back as a plain object.
    expect(await echo.echo(undefined)).toBeNull();
    expect(await echo.echo(new Map([['k', 1]]))).toEqual({ k: 1 });
  });

  it.each(TYPED_ARRAYS)(
    'carries %s as a numpy %s array, small and large, both ways',
    async (_name, dtype, make) => {
      for (const length of [3, 1000]) {
        const array = make(length);
        const described = (await echo.describe(array)) as { dtype: string; size: number };
        expect(described).toMatchObject({ type: 'ndarray', dtype, size: length });
        expect(await echo.echo(array)).toEqual(array);
        expect(await echo.call_peer('doubler', 'echo', array)).toEqual(array);
        expect(await echo.call_peer('other', 'echo', array)).toEqual(array);
      }
      const made = await echo.make_array(dtype, 600);
      expect(made).toBeInstanceOf(make(0).constructor);
      expect(Array.from(made as ArrayLike<number | bigint>).map(Number)).toEqual(
        Array.from({ length: 600 }, (_, i) => i % 100),
      );
    },
  );

  it('reads a large array without a copy, as a view of the received frame', async () => {
    expect(await echo.describe(new Float64Array(4096))).toMatchObject({ view: true });
  });

  it('refuses a Python result it cannot send, naming its path', async () => {
    const error = await echo.bad_result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(lp.RemoteError);
    expect((error as lp.RemoteError).message).toMatch(/result of bad_result\(\)\.ok\[2\]/);
    expect((error as lp.RemoteError).message).toMatch(/builtins\.object/);
  });

  it('passes the constructor arguments, with handles nested in objects and arrays', async () => {
    expect(await echo.config_of()).toEqual({ lr: 0.5, layers: [4, 2], name: 'x' });
    expect(await echo.call_peer('doubler', 'double', 21)).toBe(42);
    expect(await echo.call_peer('other', 'echo', 'from python')).toBe('from python');
    expect(await echo.call_peer_parallel('doubler', 'double', [1, 2, 3, 4])).toEqual([2, 4, 6, 8]);
  });
});

describe('errors', () => {
  it('turns a Python exception into a RemoteError with its class, message, traceback and node', async () => {
    const error = await echo.fail('boom').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(lp.RemoteError);
    const remote = error as lp.RemoteError;
    expect(remote.remoteName).toBe('ValueError');
    expect(remote.remoteMessage).toBe('boom');
    expect(remote.nodeId).toBe('echo/0');
    expect(remote.code).toBe('UNKNOWN');
    expect(remote.remoteStack).toMatch(/Traceback \(most recent call last\)/);
    expect(remote.remoteStack).toMatch(/nodes\.py", line \d+, in fail/);
    expect(remote.stack).toMatch(/nodes\.py", line \d+, in fail/);
  });

  it('gives Python a TypeScript exception as a RemoteError', async () => {
    expect(await echo.peer_error('doubler', 'fail', 'nope')).toEqual({
      code: 'UNKNOWN',
      name: 'TypeError',
      node: 'doubler/0',
      message: 'nope',
    });
  });

  it('answers an unknown method with UNIMPLEMENTED, listing the methods', async () => {
    const untyped = echo as unknown as { nothing(): Promise<unknown> };
    const error = await untyped.nothing().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNIMPLEMENTED' });
    expect((error as Error).message).toMatch(/no method "nothing".*describe/);
  });
});

describe('streams', () => {
  it('streams a Python generator to TypeScript beyond the credit window', async () => {
    const seen: number[] = [];
    for await (const value of echo.numbers(100)) seen.push(value);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('ends the loop with the generator error after its values', async () => {
    const seen: number[] = [];
    const error = await (async () => {
      for await (const value of echo.failing_stream(5)) seen.push(value);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(error).toMatchObject({ remoteName: 'KeyError' });
  });

  it('stops the generator when the caller leaves the loop', async () => {
    for await (const value of echo.numbers(1_000_000)) if (value === 40) break;
    // The node still answers: its call threads are not stuck on the abandoned stream.
    expect(await echo.echo(1)).toBe(1);
  });

  it('lets Python iterate a TypeScript stream', async () => {
    expect(await echo.stream_from_peer('doubler', 'count', 50)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
  });
});

describe('deadlines, cancellation, batching and context', () => {
  it('fails a TypeScript call to Python at its deadline', async () => {
    const error = await lp
      .withOptions(echo, { timeoutMs: 200 })
      .slow(5)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
  });

  it('fails a Python call to TypeScript at its deadline', async () => {
    expect(await echo.peer_deadline('doubler', 'wait', 100, 5_000)).toBe('DEADLINE_EXCEEDED');
  });

  it('cancels a TypeScript call to Python', async () => {
    const controller = new AbortController();
    const call = lp.withOptions(echo, { signal: controller.signal }).slow(5);
    while (!(await echo.was_started())) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('batches concurrent calls of an @lp.batched method', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((x) => echo.add_one(x)));
    expect(results).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it("tells Python code its node's context", async () => {
    expect(await echo.context()).toMatchObject({
      nodeId: 'echo/0',
      launchType: 'processes',
      workdir: running.workdir,
    });
  });

  it('reports its calls, its process and its user metrics to the launcher', async () => {
    const reported = new Promise<void>((resolve) => {
      const off = running.onMetrics((report) => {
        if (report.nodeId !== 'echo/0') return;
        if (!report.user.some((metric) => metric.name === 'py_test_calls')) return;
        off();
        resolve();
      });
    });
    expect(await echo.count('py_test_calls')).toBe(true);
    await reported;
    const view = running.metrics().nodes.find((node) => node.nodeId === 'echo/0');
    expect(view?.server.find((method) => method.method === 'count')).toMatchObject({ calls: 1 });
    expect(view?.user.find((metric) => metric.name === 'py_test_calls')).toMatchObject({
      kind: 'counter',
    });
    expect(view?.process?.pid).toBe((await echo.context()).pid);
  });
});
