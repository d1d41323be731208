/**
 * A Python node under `in-process` and `threads`: it runs as a process there too, and
 * TypeScript nodes (in the launcher, or in its threads) and the Python node call each
 * other over TCP.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { Doubler, Relay, type EchoApi } from './fixtures/services.ts';
import { TEST_PYTHON } from './python-interpreter.ts';

describe.each(['in-process', 'threads'] as const)('a Python node under %s', (launchType) => {
  it('calls a TypeScript node and is called by one', async () => {
    const program = new lp.Program(`py-${launchType}`);
    const doubler = program.addNode(new lp.ServiceNode(Doubler), 'doubler');
    const echo = program.addNode(
      new lp.PythonNode<EchoApi>('./fixtures/nodes.py', 'Echo', { doubler }),
      'echo',
    );
    const relay = program.addNode(new lp.ServiceNode(Relay, echo), 'relay');
    await using running = lp.launch(program, { launchType, python: TEST_PYTHON });
    const patient = { timeoutMs: 30_000 };
    const array = Float32Array.from({ length: 1000 }, (_, i) => i / 2);
    expect(await lp.withOptions(running.client(relay), patient).relay(array)).toEqual(array);
    const client = lp.withOptions(running.client(echo), patient);
    expect(await client.call_peer('doubler', 'double', 8)).toBe(16);
    expect(await client.context()).toMatchObject({ nodeId: 'echo/0', launchType });
  });
});
