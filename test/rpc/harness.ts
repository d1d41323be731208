/**
 * A server and its clients in this process, wired without a launcher: what the RPC tests
 * need to look at the layer itself. Every server and peer a test makes is closed by
 * `closeAll()`, which the test calls from `afterEach`.
 */
import { serviceDispatch } from '../../src/model/service-dispatch.ts';
import type { Client } from '../../src/rpc/client-type.ts';
import type { CallOptions } from '../../src/rpc/call-options.ts';
import { Peer } from '../../src/rpc/peer.ts';
import { RpcClient } from '../../src/rpc/rpc-client.ts';
import { RpcServer } from '../../src/rpc/server.ts';
import { formatAddress, hostIdentity } from '../../src/rpc/local-route.ts';
import { createClient } from '../../src/rpc/typed-client.ts';

const SECRET = 'test-secret';
const open: { close(): unknown }[] = [];

/** A service served in this process. */
export interface Served<TService> {
  readonly server: RpcServer;
  readonly nodeId: string;
  /** A typed client on a new connection (a new peer), with optional defaults. */
  readonly client: (options?: CallOptions & { maxMessageBytes?: number }) => Client<TService>;
}

/** Serves `instance` on 127.0.0.1 as node `nodeId`. */
export async function serve<TService extends object>(
  instance: TService,
  options: { nodeId?: string; maxMessageBytes?: number; localPath?: string } = {},
): Promise<Served<TService>> {
  const nodeId = options.nodeId ?? 'service/0';
  const server = await RpcServer.listen({
    secret: SECRET,
    nodeId,
    dispatch: serviceDispatch(instance, nodeId),
    ...(options.localPath === undefined ? {} : { localPath: options.localPath }),
    ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
  });
  open.push(server);
  return {
    server,
    nodeId,
    client: ({ maxMessageBytes, ...defaults } = {}) => {
      const peer = new Peer(nodeId, {
        secret: SECRET,
        callerId: 'test',
        // A server with a Unix socket registers its route as a node's server does.
        resolver: {
          resolve: () =>
            Promise.resolve(
              formatAddress({
                tcp: server.address,
                ...(server.localPath === undefined
                  ? {}
                  : { local: { path: server.localPath, host: hostIdentity() } }),
              }),
            ),
        },
        maxMessageBytes: maxMessageBytes ?? options.maxMessageBytes ?? 1024 ** 3,
      });
      open.push(peer);
      return createClient<TService>(new RpcClient(peer, defaults));
    },
  };
}

/** Closes every server and peer made since the last call. */
export async function closeAll(): Promise<void> {
  const closing = open.splice(0);
  await Promise.all(closing.map((item) => item.close()));
}
