/**
 * @module
 * Where the launcher's control server and the nodes' servers listen on Slurm, and the
 * addresses they are reached by. Tasks run on other hosts than the launcher, so by
 * default the launcher listens on the address of its interface that routes to the
 * cluster's nodes (the `NodeAddr` Slurm reaches their slurmd at), and each node listens
 * on its own host's route back toward the launcher: both sit on the network that joins
 * the launcher to the allocation, and no name has to resolve anywhere. A cluster whose
 * nodes all have loopback addresses shares this machine, so everything stays on loopback.
 */
import { hostname } from 'node:os';
import type { NodeListen } from '../../../protocol/node-spec.ts';
import { addressToward, interfaceAddress, isLoopback } from '../../../node/route-source.ts';
import { parsePortRange, type PortRange } from '../../../rpc/port-range.ts';
import { nodeAddresses } from './slurm-cli.ts';
import type { ResolvedResources, SlurmOptions } from './descriptor/slurm-options.ts';

/** How a Slurm launch listens. */
export interface SlurmNetwork {
  /** The address the control server binds. */
  readonly controlHost: string;
  /** The name or address tasks reach the control server by. */
  readonly advertiseHost: string;
  /** The address every node's server binds, when the launcher can name it for all. */
  readonly nodeBindHost?: string;
  /** Where nodes listen when only their host can tell. */
  readonly nodeListen?: NodeListen;
  /** The ports every server takes from, when the option `ports` is set. */
  readonly ports?: PortRange;
  /** How the control address was chosen, for the launcher's output. */
  readonly why: string;
  /** What a task that cannot reach the launcher tells the user to change. */
  readonly unreachableHint: string;
}

const WILDCARDS = new Set(['0.0.0.0', '::']);
// Enough to see which interface leads to the cluster, without a look-up per node of a
// large one.
const MAX_NODES_ASKED = 64;

type HostOptions = Pick<SlurmOptions, 'controlHost' | 'advertiseHost' | 'interface' | 'ports'>;

/**
 * Where the launch listens: from the options when they say, else from the route to the
 * Slurm nodes of `partitions` (all when undefined), whose addresses `addressesOf` gives.
 */
export async function slurmNetwork(
  options: HostOptions,
  partitions: readonly string[] | undefined,
  addressesOf: typeof nodeAddresses = nodeAddresses,
): Promise<SlurmNetwork> {
  const network = await chooseNetwork(options, partitions, addressesOf);
  return { ...network, unreachableHint: unreachableHint(network) };
}

/** The partitions the job asks for, when every group names one (else Slurm's default). */
export function partitionsOf(
  resources: ReadonlyMap<string, ResolvedResources>,
): string[] | undefined {
  const named = [...resources.values()].map((r) => r.partition);
  return named.length > 0 && named.every((p) => p !== undefined) ? [...new Set(named)] : undefined;
}

function unreachableHint(network: Omit<SlurmNetwork, 'unreachableHint'>): string {
  const ports = network.ports;
  return (
    `The launcher listens on ${network.controlHost} (${network.why}). Set the slurm option advertiseHost ` +
    `to a name or address of the launcher's host (${hostname()}) that this host reaches, and controlHost ` +
    'or interface to where the launcher listens' +
    (ports === undefined
      ? '.'
      : `; a firewall between the hosts must let ports ${String(ports.first)}-${String(ports.last)} through.`)
  );
}

async function chooseNetwork(
  options: HostOptions,
  partitions: readonly string[] | undefined,
  addressesOf: typeof nodeAddresses,
): Promise<Omit<SlurmNetwork, 'unreachableHint'>> {
  const ports =
    options.ports === undefined ? undefined : parsePortRange(options.ports, 'Slurm option ports');
  const withPorts = ports === undefined ? {} : { ports };
  const nodeListen = (listen: NodeListen): NodeListen => ({ ...listen, ...withPorts });
  const { controlHost, advertiseHost } = options;

  if (controlHost !== undefined) {
    if (isLoopback(controlHost)) {
      return {
        controlHost,
        advertiseHost: advertiseHost ?? controlHost,
        nodeBindHost: controlHost,
        ...(ports === undefined ? {} : { nodeListen: nodeListen({}) }),
        ...withPorts,
        why: 'the slurm option controlHost, a loopback address: every node on this machine',
      };
    }
    if (WILDCARDS.has(controlHost) && options.interface === undefined) {
      // Every interface, here and on the nodes, which then advertise their host names.
      return {
        controlHost,
        advertiseHost: advertiseHost ?? hostname(),
        nodeBindHost: controlHost,
        ...(ports === undefined ? {} : { nodeListen: nodeListen({}) }),
        ...withPorts,
        why: 'the slurm option controlHost, every interface',
      };
    }
    return {
      controlHost,
      advertiseHost: advertiseHost ?? (WILDCARDS.has(controlHost) ? hostname() : controlHost),
      nodeListen: nodeListen(
        options.interface === undefined
          ? { towardLauncher: true }
          : { interface: options.interface },
      ),
      ...withPorts,
      why: 'the slurm option controlHost',
    };
  }

  if (options.interface !== undefined) {
    const address = interfaceAddress(options.interface, 'The slurm option interface');
    return {
      controlHost: address,
      advertiseHost: advertiseHost ?? address,
      nodeListen: nodeListen({ interface: options.interface }),
      ...withPorts,
      why: `the slurm option interface (${options.interface})`,
    };
  }

  const routed = await routeToNodes(await addressesOf(partitions));
  if (routed === undefined) {
    // Slurm named no node: listen everywhere, and hope the host name resolves.
    return {
      controlHost: '0.0.0.0',
      advertiseHost: advertiseHost ?? hostname(),
      nodeListen: nodeListen({ towardLauncher: true }),
      ...withPorts,
      why: "every interface, reached by this machine's host name (sinfo named no node to route to)",
    };
  }
  if (isLoopback(routed)) {
    return {
      controlHost: routed,
      advertiseHost: advertiseHost ?? routed,
      nodeBindHost: routed,
      ...(ports === undefined ? {} : { nodeListen: nodeListen({}) }),
      ...withPorts,
      why: "loopback: the cluster's nodes all have loopback addresses",
    };
  }
  return {
    controlHost: routed,
    advertiseHost: advertiseHost ?? routed,
    nodeListen: nodeListen({ towardLauncher: true }),
    ...withPorts,
    why: `the address of ${hostname()} that routes to the cluster's nodes`,
  };
}

/**
 * This machine's address toward the nodes: the loopback address when every node is on
 * loopback, else the source address most of the other nodes are reached from.
 */
async function routeToNodes(addresses: readonly string[]): Promise<string | undefined> {
  const sources = await Promise.all(
    [...new Set(addresses)]
      .slice(0, MAX_NODES_ASKED)
      .map((address) => addressToward(address).catch(() => undefined)),
  );
  const found = sources.filter((source) => source !== undefined);
  if (found.length === 0) return undefined;
  const outside = found.filter((source) => !isLoopback(source));
  if (outside.length === 0) return found[0];
  const counts = new Map<string, number>();
  for (const source of outside) counts.set(source, (counts.get(source) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}
