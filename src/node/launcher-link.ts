/**
 * @module
 * A node process's link to its launcher, shared by a Node.js node's process and the task
 * that runs a Python node: the control client, a variant of it for reports made on the way
 * out, and the output forwarder when the bootstrap asks for one.
 */
import { DEFAULT_MAX_MESSAGE_BYTES } from '../rpc/codec.ts';
import { PeerPool } from '../rpc/peer-pool.ts';
import { RpcClient } from '../rpc/rpc-client.ts';
import type { Client } from '../rpc/client-type.ts';
import { createClient, withOptions } from '../rpc/typed-client.ts';
import { CONTROL_NODE_ID, type ControlProtocol } from '../protocol/control-protocol.ts';
import type { ChildBootstrap } from '../protocol/node-spec.ts';
import { forwardOutput, type OutputForwarder } from './output-forwarder.ts';

/** What {@link linkToLauncher} opens. */
export interface LauncherLink {
  /** The pool the control connection lives in; close it to drop the connection. */
  readonly pool: PeerPool;
  /** The launcher's control service. */
  readonly control: Client<ControlProtocol>;
  /** The same service with a short deadline, for reports made on the way out. */
  readonly briefly: Client<ControlProtocol>;
  /** Forwards this process's output to the launcher, when the bootstrap asks for it. */
  readonly forwarder: OutputForwarder | undefined;
}

/** Opens the control link to the launcher that `bootstrap` names. */
export function linkToLauncher(bootstrap: ChildBootstrap): LauncherLink {
  const { nodeId } = bootstrap;
  const pool = new PeerPool({
    secret: bootstrap.secret,
    callerId: nodeId,
    resolver: { resolve: () => Promise.resolve(bootstrap.controlAddress) },
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  });
  // The launcher is up and listening; on a loaded machine its accept may still take a
  // while. A launcher that is gone is noticed by the parent watchdog, not by this deadline.
  const control = createClient<ControlProtocol>(
    new RpcClient(pool.peer(CONTROL_NODE_ID), { connectTimeoutMs: 30_000 }),
  );
  // Reports made on the way out must not hold the exit up for long.
  const briefly = withOptions(control, { timeoutMs: 5_000 });
  const forwarder =
    bootstrap.forwardOutput === true
      ? forwardOutput((stream, lines) => control.output(nodeId, stream, lines))
      : undefined;
  return { pool, control, briefly, forwarder };
}
