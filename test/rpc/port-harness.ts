/**
 * A service served in this process and reached over TCP or over a MessagePort (the channel
 * of the `threads` launch type), without a launcher. Every server and peer made is closed
 * by `closePorts()`, which the test calls from `afterEach`.
 */
import { MessageChannel } from 'node:worker_threads';
import { serviceDispatch } from '../../src/model/service-dispatch.ts';
import type { Client } from '../../src/rpc/client-type.ts';
import { Peer } from '../../src/rpc/peer.ts';
import { RpcClient } from '../../src/rpc/rpc-client.ts';
import { RpcServer } from '../../src/rpc/server.ts';
import { createClient } from '../../src/rpc/typed-client.ts';

const SECRET = 'port-secret';
const open: { close(): unknown }[] = [];

/** Serves `instance` and returns a typed client to it over TCP or a MessagePort. */
export async function serveOver<T extends object>(
  instance: T,
  nodeId: string,
  over: 'tcp' | 'port',
): Promise<Client<T>> {
  const server = await RpcServer.listen({
    secret: SECRET,
    nodeId,
    dispatch: serviceDispatch(instance, nodeId),
  });
  open.push(server);
  const peer = new Peer(nodeId, {
    secret: SECRET,
    callerId: 'test',
    resolver: { resolve: () => Promise.resolve(server.address) },
    maxMessageBytes: 1024 ** 3,
    ...(over === 'port'
      ? {
          connectPort: () => {
            const { port1, port2 } = new MessageChannel();
            server.acceptPort(port1);
            return Promise.resolve(port2);
          },
        }
      : {}),
  });
  open.push(peer);
  return createClient<T>(new RpcClient(peer, {}));
}

/** Closes every server and peer made since the last call. */
export async function closePorts(): Promise<void> {
  await Promise.all(open.splice(0).map((item) => item.close()));
}
