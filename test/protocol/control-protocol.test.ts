/**
 * The control protocol: the launcher's control server serves the protocol's methods and
 * nothing else, checks their arguments, and keeps failure reports for the launcher alone.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../src/launcher/session/control-plane.ts';
import { AddressBook } from '../../src/launcher/session/address-book.ts';
import { ProgramLifecycle } from '../../src/launcher/session/program-lifecycle.ts';
import { CONTROL_NODE_ID, type ControlProtocol } from '../../src/protocol/control-protocol.ts';
import { PeerPool } from '../../src/rpc/peer-pool.ts';
import { RpcClient } from '../../src/rpc/rpc-client.ts';
import { createClient } from '../../src/rpc/typed-client.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../src/rpc/codec.ts';
import { toRemoteErrorInfo } from '../../src/rpc/wire-error.ts';
import { failingMain } from '../fixtures/services.ts';
import { capture } from '../helpers/capture.ts';

const SECRET = 'the-launch-secret';
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A control plane for a program of two function nodes, `a/0` and `b/0`. */
async function controlPlane(): Promise<ControlPlane> {
  const program = new lp.Program('control');
  program.addNode(new lp.FunctionNode(failingMain, 'a'), 'a');
  program.addNode(new lp.FunctionNode(failingMain, 'b'), 'b');
  const ids = program.nodes.map((node) => node.id);
  const lifecycle = new ProgramLifecycle(program.name, ids, capture());
  cleanups.push(() => lifecycle.stop());
  const plane = await startControlPlane({
    program,
    wireArgs: program.nodes.map(() => []),
    entry: undefined,
    launchType: 'processes',
    workdir: '/tmp',
    lifecycle,
    book: new AddressBook(ids),
    secret: SECRET,
    metrics: undefined,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  });
  cleanups.push(() => plane.close());
  return plane;
}

/** What node `callerId`'s process holds: the secret and the control server's address. */
function nodeConnection(plane: ControlPlane, callerId: string): RpcClient {
  const pool = new PeerPool({
    secret: SECRET,
    callerId,
    resolver: { resolve: () => Promise.resolve(plane.address) },
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  });
  cleanups.push(() => {
    pool.close();
  });
  return new RpcClient(pool.peer(CONTROL_NODE_ID), { timeoutMs: 10_000 });
}

describe('the control server', () => {
  it("does not let a node holding the secret take another node's failure report", async () => {
    const plane = await controlPlane();
    const b = createClient<ControlProtocol>(nodeConnection(plane, 'b/0'));
    await b.reportFailure('b/0', toRemoteErrorInfo(new RangeError('b broke'), 'b/0'));
    // Node a knows the secret, and tries the launcher's own method by name.
    const a = nodeConnection(plane, 'a/0');
    const refused: unknown = await a.call('takeReportedFailure', ['b/0']).catch((e: unknown) => e);
    expect(lp.isLaunchpadError(refused, 'UNIMPLEMENTED')).toBe(true);
    expect((refused as Error).message).toBe(
      'Node launcher has no method "takeReportedFailure". Its RPC methods are: awaitStop, lookup, output, register, registerDiagnostics, reportExit, reportFailure, reportMetrics, requestStop, spec.',
    );
    // The report is still there for the launcher, and only once.
    expect(plane.takeReportedFailure('b/0')).toMatchObject({ message: 'b broke', nodeId: 'b/0' });
    expect(plane.takeReportedFailure('b/0')).toBeUndefined();
  });

  it('answers typed calls: the spec of a node', async () => {
    const plane = await controlPlane();
    const a = createClient<ControlProtocol>(nodeConnection(plane, 'a/0'));
    const spec = await a.spec('a/0');
    expect(spec).toMatchObject({ nodeId: 'a/0', label: 'a', kind: 'function', args: [] });
    expect(spec.code).toMatchObject({ strategy: 'export', exportName: 'failingMain' });
  });

  it('refuses an argument of the wrong form, naming the method and the argument', async () => {
    const plane = await controlPlane();
    const a = nodeConnection(plane, 'a/0');
    const cases: [string, unknown[], string][] = [
      [
        'reportExit',
        ['a/0', 'x'],
        'Control call reportExit(): code must be a whole number ≥ 0 and ≤ 255, got "x".',
      ],
      [
        'output',
        ['a/0', 'stdout', ['ok', 3]],
        'Control call output(): lines[1] must be a string, got 3.',
      ],
      [
        'reportFailure',
        ['a/0', { name: 'Error', message: 'm', stack: 's', nodeId: 'a/0' }],
        'Control call reportFailure(): error.code is missing.',
      ],
      ['spec', ['a/0', 'extra'], 'Control call spec() takes 1 argument(s): nodeId.'],
    ];
    for (const [method, args, message] of cases) {
      const error: unknown = await a.call(method, args).catch((e: unknown) => e);
      expect(lp.isLaunchpadError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toBe(message);
    }
  });

  // What a registered route gives to lookups: test/launcher/session/control-register.test.ts.
  it('refuses a Unix socket route from a launch with no socket folder, and a relative path', async () => {
    const plane = await controlPlane();
    const a = nodeConnection(plane, 'a/0');
    const local = { path: '/tmp/lp-0123456789ab/0123456789abcdef.sock', host: 'abc123' };
    const outside: unknown = await a
      .call('register', ['b/0', '127.0.0.1:4000', local])
      .catch((e: unknown) => e);
    expect(lp.isLaunchpadError(outside, 'INVALID_ARGUMENT')).toBe(true);
    expect((outside as Error).message).toContain("which is not in this launch's socket folder");
    const error: unknown = await a
      .call('register', ['b/0', '127.0.0.1:4000', { path: 'x.sock', host: 'abc123' }])
      .catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/local\.path must be an absolute socket path/);
  });
});
