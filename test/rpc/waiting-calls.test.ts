/**
 * Many calls waiting for a node to come up, with or without one shared AbortSignal, do
 * not make Node warn about a listener leak: the library keeps one listener per signal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Peer } from '../../src/rpc/peer.ts';
import { RpcClient } from '../../src/rpc/rpc-client.ts';
import { RpcServer } from '../../src/rpc/server.ts';
import { serviceDispatch } from '../../src/model/service-dispatch.ts';
import { createClient } from '../../src/rpc/typed-client.ts';

const WAITING = 100;
const closing: { close(): unknown }[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((item) => item.close()));
});

async function waitingCalls(signal: AbortSignal | undefined): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`);
  };
  process.on('warning', onWarning);
  try {
    // The callee's address is known only once the test says so: every call waits.
    let publish: (address: string) => void = () => undefined;
    const address = new Promise<string>((resolve) => {
      publish = resolve;
    });
    let lookups = 0;
    let firstLookup: () => void = () => undefined;
    const lookedUp = new Promise<void>((resolve) => {
      firstLookup = resolve;
    });
    const peer = new Peer('echo/0', {
      secret: 's',
      callerId: 'test',
      resolver: {
        resolve: () => {
          lookups += 1;
          firstLookup();
          return address;
        },
      },
      maxMessageBytes: 1024 * 1024,
    });
    closing.push(peer);
    const client = createClient<{ echo(value: number): number }>(
      new RpcClient(peer, signal === undefined ? {} : { signal }),
    );
    const calls = Array.from({ length: WAITING }, (_, index) => client.echo(index));
    await lookedUp;
    const server = await RpcServer.listen({
      secret: 's',
      nodeId: 'echo/0',
      dispatch: serviceDispatch({ echo: (value: number) => value }, 'echo/0'),
    });
    closing.push(server);
    publish(server.address);
    expect(await Promise.all(calls)).toEqual(Array.from({ length: WAITING }, (_, i) => i));
    expect(lookups).toBe(1);
    // Warnings are emitted on a later tick: one more round trip lets them arrive.
    await client.echo(0);
    await new Promise<void>((resolve) => setImmediate(resolve));
    return warnings;
  } finally {
    process.off('warning', onWarning);
  }
}

describe('calls waiting for a connection', () => {
  it(`${WAITING} waiting calls raise no MaxListenersExceededWarning`, async () => {
    const warnings = await waitingCalls(undefined);
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });

  it(`${WAITING} waiting calls sharing one AbortSignal raise none either`, async () => {
    const controller = new AbortController();
    const warnings = await waitingCalls(controller.signal);
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });
});
