/**
 * @module
 * Running one node in the current process, the same way for every launcher: resolve its
 * handles into clients, build it, serve it, run it, and clean up.
 */
import { hostname } from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import { whenAborted } from '../internal/aborted.ts';
import { LaunchpadError } from '../errors/errors.ts';
import { resolveHandleRefs } from './resolve-handle-refs.ts';
import { serviceDispatch } from '../model/service-dispatch.ts';
import type { NodeCode, NodeKind } from '../model/node.ts';
import { PeerPool } from '../rpc/peer-pool.ts';
import type { AddressResolver } from '../rpc/resolver.ts';
import { RpcClient } from '../rpc/rpc-client.ts';
import { RpcServer } from '../rpc/server.ts';
import { socketPath } from '../rpc/local-socket.ts';
import { formatAddress, hostIdentity } from '../rpc/local-route.ts';
import type { PortRange } from '../rpc/port-range.ts';
import { createClient } from '../rpc/typed-client.ts';
import { runAsNode, type NodeContext, type NodeRuntime } from './node-context.ts';
import type { StopScope } from './stop-scope.ts';
import { NodeMetrics } from '../metrics/node-metrics.ts';
import { startMetricsReporting, type MetricsSink } from './metrics-reporter.ts';
import type { CallTracing } from '../metrics/call-tracing.ts';
import { loadCallTracing } from '../metrics/load-call-tracing.ts';

/** A node ready to run here: its code and its decoded arguments. */
export interface RunnableNode {
  /** The node's id. */
  readonly id: string;
  /** The node's group label. */
  readonly label: string;
  /** Service or function. */
  readonly kind: NodeKind;
  /** The class or function to run. */
  readonly code: NodeCode;
  /** Decoded arguments, holding `HandleRef`s where the program had handles. */
  readonly args: unknown[];
}

/** What the launcher gives a node it runs in this process. */
export interface NodeHost {
  /** The launch's secret. */
  readonly secret: string;
  /** Where the node's clients find their peers. */
  readonly resolver: AddressResolver;
  /** The largest RPC message, in bytes. */
  readonly maxMessageBytes: number;
  /** The program's stop state in this process. */
  readonly stop: StopScope;
  /** The context every node of this launch shares (all but id and label). */
  readonly context: Omit<NodeContext, 'nodeId' | 'label'>;
  /**
   * Direct channels to nodes in other threads of this process (the `threads` launch
   * type): open one to a node, and accept those opened to this node.
   */
  readonly ports?: {
    connect(nodeId: string, timeoutMs: number): Promise<MessagePort>;
    accept(handler: (port: MessagePort) => void): void;
  };
  /**
   * The interface the node's RPC server binds. A wildcard makes the node advertise its
   * host name. @default '127.0.0.1'
   */
  readonly bindHost?: string;
  /**
   * The host name the node's server is reached by, when the launcher knows it (a
   * Kubernetes Pod's DNS name): it is advertised whatever `bindHost` is.
   */
  readonly advertiseHost?: string;
  /** The ports the node's RPC server may listen on (firewalled clusters). @default any */
  readonly portRange?: PortRange;
  /**
   * The launch's folder of Unix sockets on this host: the node's server also listens on
   * one there, and its address carries the route (see `rpc/local-route.ts`).
   */
  readonly socketFolder?: string;
  /** Where the node reports its metrics; absent when metrics are off. */
  readonly metrics?: MetricsSink;
  /**
   * Whether the node traces its calls; only then is `@opentelemetry/api` loaded (see
   * docs/observability.md).
   */
  readonly tracing?: boolean;
  /**
   * Announces that the node is up; `address` is its RPC address (none for functions), with
   * its same-host route when it has one (`formatAddress`).
   */
  register(nodeId: string, address: string | undefined): Promise<void>;
}

/** Runs the node until it ends. Rejects with the node's error. */
export async function runNode(node: RunnableNode, host: NodeHost): Promise<void> {
  // Loaded before the node's code runs, so its first call is traced; never when off.
  const tracing = host.tracing === true ? await loadCallTracing(node.id) : undefined;
  const metrics = host.metrics === undefined ? undefined : new NodeMetrics(node.id);
  const runtime: NodeRuntime = {
    context: { ...host.context, nodeId: node.id, label: node.label },
    stop: host.stop,
    ...(metrics === undefined ? {} : { metrics }),
  };
  const pool = new PeerPool({
    secret: host.secret,
    callerId: node.id,
    resolver: host.resolver,
    maxMessageBytes: host.maxMessageBytes,
    // Calls in flight when the program stops are cancelled, never left unhandled.
    stopping: () => host.stop.signal.aborted,
    ...(host.ports === undefined ? {} : { connectPort: host.ports.connect.bind(host.ports) }),
    ...(metrics === undefined ? {} : { observe: (callee: string) => metrics.callee(callee) }),
    ...(tracing === undefined ? {} : { tracing }),
  });
  const reporting =
    metrics === undefined || host.metrics === undefined
      ? undefined
      : startMetricsReporting(metrics, host.metrics);
  return runAsNode(runtime, async () => {
    try {
      const args = resolveHandleRefs(node.args, (ref) =>
        createClient(new RpcClient(pool.peer(ref.nodeId), ref.options)),
      ) as unknown[];
      if (node.kind === 'function') {
        await host.register(node.id, undefined);
        await (node.code as (...args: unknown[]) => unknown)(...args);
      } else {
        await serve(node, args, host, { runtime, tracing });
      }
    } finally {
      pool.close();
      await reporting?.stop();
    }
  });
}

async function serve(
  node: RunnableNode,
  args: unknown[],
  host: NodeHost,
  { runtime, tracing }: { runtime: NodeRuntime; tracing: CallTracing | undefined },
): Promise<void> {
  const instance = new (node.code as new (...args: unknown[]) => object)(...args);
  const dispatch = serviceDispatch(instance, node.id);
  const server = await RpcServer.listen({
    secret: host.secret,
    nodeId: node.id,
    maxMessageBytes: host.maxMessageBytes,
    ...(host.bindHost === undefined ? {} : { host: host.bindHost }),
    ...(host.portRange === undefined ? {} : { ports: host.portRange }),
    ...(host.socketFolder === undefined
      ? {}
      : { localPath: socketPath(host.socketFolder, node.id) }),
    // Calls arrive on sockets; run them as this node's code so lp.context() and friends work.
    dispatch: (method, callArgs) => runAsNode(runtime, () => dispatch(method, callArgs)),
    ...(runtime.metrics === undefined ? {} : { observer: runtime.metrics.server }),
    ...(tracing === undefined ? {} : { tracing }),
  });
  try {
    // Accept direct channels before registering: a caller may open one as soon as it can.
    host.ports?.accept((port) => {
      server.acceptPort(port);
    });
    const local = server.localPath;
    const tcp = advertised(server.address, host);
    await host.register(
      node.id,
      formatAddress(
        local === undefined ? { tcp } : { tcp, local: { path: local, host: hostIdentity() } },
      ),
    );
    const run = (instance as { run?: unknown }).run;
    if (typeof run === 'function') {
      await (run as () => unknown).call(instance);
    } else {
      await whenAborted(host.stop.signal);
    }
  } finally {
    await server.close();
  }
}

/** Normalises what a node threw into an `Error`. */
export function nodeError(thrown: unknown): Error {
  return LaunchpadError.from(thrown);
}

// A name the launcher gave wins; a server bound to every interface is reached through the
// host's name; any other, through the address it is bound to.
function advertised(address: string, host: NodeHost): string {
  const port = address.slice(address.lastIndexOf(':') + 1);
  if (host.advertiseHost !== undefined) return `${host.advertiseHost}:${port}`;
  if (host.bindHost !== '0.0.0.0' && host.bindHost !== '::') return address;
  return `${hostname()}:${port}`;
}
