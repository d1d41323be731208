/**
 * The first slice of Python nodes: a TypeScript caller calls a Python node, which calls a
 * TypeScript node; numpy arrays both ways.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { Doubler, type EchoApi } from './fixtures/services.ts';

import { TEST_PYTHON as PYTHON } from './python-interpreter.ts';

describe('a Python node under processes', () => {
  it('answers a TypeScript caller and calls a TypeScript node, with arrays both ways', async () => {
    const p = new lp.Program('py-slice');
    const doubler = p.addNode(new lp.ServiceNode(Doubler), 'doubler');
    const echo = p.addNode(
      new lp.PythonNode<EchoApi>('./fixtures/nodes.py', 'Echo', { doubler }, { lr: 0.5 }),
      'echo',
    );
    await using running = lp.launch(p, { launchType: 'processes', python: PYTHON });
    const client = lp.withOptions(running.client(echo), { timeoutMs: 30_000 });
    expect(await client.echo({ a: 1, b: [1, 2, 'x'] })).toEqual({ a: 1, b: [1, 2, 'x'] });
    const array = new Float32Array([1.5, 2.5, 3.5]);
    expect(await client.echo(array)).toEqual(array);
    expect(await client.describe(new Float32Array(1000))).toEqual({
      type: 'ndarray',
      dtype: 'float32',
      view: true,
      size: 1000,
    });
    expect(await client.call_peer('doubler', 'double', 21)).toBe(42);
    expect(await client.call_peer('doubler', 'echo', new Float64Array([1, 2]))).toEqual(
      new Float64Array([1, 2]),
    );
    expect(await client.config_of()).toEqual({ lr: 0.5 });
    expect(await client.make_array('float32', 300)).toEqual(
      Float32Array.from({ length: 300 }, (_, i) => i % 100),
    );
  }, 60_000);
});
