/**
 * @module
 * Works out, on a cluster host, where a node's RPC server listens and what it advertises,
 * from what the launcher asked for (`NodeSpec.listen`): only the host knows its own
 * addresses.
 */
import type { PortRange } from '../rpc/port-range.ts';
import type { NodeListen } from '../protocol/node-spec.ts';
import { addressToward, interfaceAddress } from './route-source.ts';

/** The node server's bind address, advertised name and ports. */
export interface ResolvedListen {
  readonly bindHost?: string;
  readonly advertiseHost?: string;
  readonly portRange?: PortRange;
}

/** The host part of a `host:port` address, without the brackets of an IPv6 one. */
export function hostOf(address: string): string {
  const host = address.slice(0, address.lastIndexOf(':'));
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

// An IPv6 address is advertised in brackets, as `host:port` needs.
function advertisable(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Resolves `listen` for node `nodeId` on this host, whose launcher listens at
 * `controlAddress`.
 *
 * @throws LaunchpadError when the interface asked for is not on this host
 */
export async function resolveListen(
  listen: NodeListen | undefined,
  controlAddress: string,
  nodeId: string,
): Promise<ResolvedListen> {
  if (listen === undefined) return {};
  const ports = listen.ports === undefined ? {} : { portRange: listen.ports };
  let address: string | undefined;
  if (listen.interface !== undefined) {
    address = interfaceAddress(listen.interface, `The network interface asked for node ${nodeId}`);
  } else if (listen.towardLauncher === true) {
    address = await addressToward(hostOf(controlAddress));
  }
  return address === undefined
    ? ports
    : { bindHost: address, advertiseHost: advertisable(address), ...ports };
}
