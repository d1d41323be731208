/**
 * The shared launch suite: the same programs under any launch type, so calls, errors,
 * typed arrays, cycles, context, stop and failure behave identically everywhere. Each
 * launch type's test file calls {@link launchSuite} inside its own `describe`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { expect, it } from 'vitest';
import {
  callThenStop,
  Echo,
  failingMain,
  makeServicesProgram,
  StopWitness,
} from '../fixtures/services.ts';

/** TCP sockets and message ports open in this process: one per connection end. */
function openChannels(): number {
  return process
    .getActiveResourcesInfo()
    .filter((kind) => kind === 'TCPSocketWrap' || kind === 'MessagePort').length;
}

/**
 * Defines the suite's tests for `launchType`; `extra` is added to every launch's
 * options (a cluster's settings).
 */
export function launchSuite(
  launchType: lp.LaunchType,
  extra: Omit<lp.LaunchOptions, 'launchType'> = {},
): void {
  it('calls sync and async methods and keeps typed arrays typed', async () => {
    const { program, echo } = makeServicesProgram();
    await using running = lp.launch(program, { launchType, ...extra });
    await running.ready;
    const client = running.client(echo);
    expect(await client.add(2, 3)).toBe(5);
    const floats = (await client.echo(new Float32Array([1.5, -2, 3.25]))) as Float32Array;
    expect(floats).toBeInstanceOf(Float32Array);
    expect([...floats]).toEqual([1.5, -2, 3.25]);
    expect(await client.echo({ nested: [new Map([['k', 1]]), new Int32Array([7])] })).toEqual({
      nested: [new Map([['k', 1]]), new Int32Array([7])],
    });
  });

  it('keeps many calls in flight on one connection', async () => {
    const { program, echo } = makeServicesProgram();
    await using running = lp.launch(program, { launchType, ...extra });
    const client = running.client(echo);
    // Every node has registered (each holds a connection to the launcher's control
    // server) and this client is connected, so any channel opened from here on would be
    // one opened for the calls. Echo answering is not enough: on a cluster, another node
    // could still be connecting to the launcher.
    await running.ready;
    await client.add(0, 0);
    const channelsBefore = openChannels();
    // Each call is held by the service until all 300 are there: they can only all
    // succeed if they are in flight at once.
    const calls = Array.from({ length: 300 }, (_, i) => client.gather(i));
    await lp.withOptions(client, { timeoutMs: 30_000 }).gathered(300);
    // No connection was opened for them (under in-process both ends are counted here).
    // At most as many: a socket of an earlier launch may close meanwhile.
    expect(openChannels()).toBeLessThanOrEqual(channelsBefore);
    await client.release();
    expect(await Promise.all(calls)).toEqual(Array.from({ length: 300 }, (_, i) => 2 * i));
  });

  it('rejects with a RemoteError carrying the remote name, message, stack and node id', async () => {
    const { program, echo } = makeServicesProgram();
    await using running = lp.launch(program, { launchType, ...extra });
    const error: unknown = await running
      .client(echo)
      .fail('bad input')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(lp.RemoteError);
    const remote = error as lp.RemoteError;
    expect(remote.nodeId).toBe('echo/0');
    expect(remote.remoteName).toBe('TypeError');
    expect(remote.message).toContain('bad input');
    expect(remote.remoteStack).toContain('fail');
  });

  it('rejects an unknown method with a clear error listing the methods', async () => {
    const { program, echo } = makeServicesProgram();
    await using running = lp.launch(program, { launchType, ...extra });
    const untyped = running.client(echo) as unknown as Record<string, () => Promise<unknown>>;
    for (const name of ['nope', '_secret']) {
      const error: unknown = await untyped[name]!().catch((e: unknown) => e);
      expect(lp.isLaunchpadError(error, 'UNIMPLEMENTED')).toBe(true);
      expect((error as Error).message).toMatch(
        new RegExp(
          `Node echo/0 has no method "${name}". Its RPC methods are: add, echo, fail, gather, gathered, release, slow, whoAmI`,
        ),
      );
    }
  });

  it('supports cycles: two nodes holding each other’s handles', async () => {
    const { program, ping } = makeServicesProgram();
    await using running = lp.launch(program, { launchType, ...extra });
    expect(await running.client(ping).bounce(6)).toBe(6);
  });

  it('gives each node its context', async () => {
    const { program, echo } = makeServicesProgram();
    await using running = lp.launch(program, { launchType, ...extra });
    const context = await running.client(echo).whoAmI();
    expect(context).toMatchObject({
      nodeId: 'echo/0',
      label: 'echo',
      launchType,
      programName: 'services',
    });
    expect(context.workdir).toBe(running.workdir);
  });

  it('applies per-client timeouts and per-call overrides', async () => {
    const { program, echo } = makeServicesProgram();
    await using running = lp.launch(program, { launchType, ...extra });
    await running.ready;
    const impatient = running.client(echo.withOptions({ timeoutMs: 50 }));
    // Connected first, so the 50 ms run out on the call, not while connecting.
    await lp.withOptions(impatient, { timeoutMs: 60_000 }).add(1, 1);
    const error: unknown = await impatient.slow(2_000).catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'DEADLINE_EXCEEDED')).toBe(true);
    expect((error as Error).message).toContain('echo/0.slow()');
    expect(await lp.withOptions(impatient, { timeoutMs: 10_000 }).slow(100)).toBe('done');
  });

  it('lets a node stop the program with lp.stop(), after its calls succeed', async () => {
    const program = new lp.Program('caller');
    const echo = program.addNode(new lp.ServiceNode(Echo), 'echo');
    program.addNode(new lp.FunctionNode(callThenStop, echo), 'caller');
    const running = lp.launch(program, { launchType, ...extra });
    await running.wait();
    expect(readFileSync(join(running.workdir, 'answer'), 'utf8')).toBe('42');
  });

  it('fires every node’s stop signal on running.stop() and resolves wait()', async () => {
    const program = new lp.Program('witnesses');
    program.group('witness', () =>
      [0, 1].map(() => program.addNode(new lp.ServiceNode(StopWitness))),
    );
    const running = lp.launch(program, { launchType, ...extra });
    await running.ready;
    await running.stop();
    await running.wait();
    expect(existsSync(join(running.workdir, 'stopped-witness-0'))).toBe(true);
    expect(existsSync(join(running.workdir, 'stopped-witness-1'))).toBe(true);
  });

  it('stops the program when a node throws, and wait() names the node and its error', async () => {
    const program = new lp.Program('failing');
    program.addNode(new lp.ServiceNode(Echo), 'echo');
    program.addNode(new lp.FunctionNode(failingMain, 'out of range'), 'worker');
    const running = lp.launch(program, { launchType, ...extra, stderr: process.stderr });
    const error: unknown = await running.wait().catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'NODE_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/^Node worker\/0 failed: RangeError: out of range/);
    expect(running.stopping).toBe(true);
  });
}
