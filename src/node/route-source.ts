/**
 * @module
 * Which of this host's addresses other hosts reach it by: the source address of the
 * route toward a given host, or the address of a named interface. Cluster launchers and
 * their nodes bind these rather than every interface, so a server is exposed only on the
 * network that leads to its peers.
 */
import { hostname, networkInterfaces } from 'node:os';
import { LaunchpadError } from '../errors/errors.ts';

/** True for an address only this host can reach. */
export function isLoopback(address: string): boolean {
  return address === '::1' || address === 'localhost' || address.startsWith('127.');
}

/**
 * The address this host sends from toward `host` (a name or an address): the kernel's
 * choice for the route to it, read from a connected UDP socket, which sends nothing.
 *
 * @throws when `host` does not resolve or no route leads to it
 */
export async function addressToward(host: string): Promise<string> {
  // Loaded here, on cluster hosts only: the resolver and UDP bindings cost a node process
  // about 2 MB of memory it would otherwise never use.
  const [{ lookup }, { createSocket }] = await Promise.all([
    import('node:dns/promises'),
    import('node:dgram'),
  ]);
  const { address, family } = await lookup(host);
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      // Any port: a UDP connect only picks the route.
      socket.connect(9, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return socket.address().address;
  } finally {
    socket.close();
  }
}

/**
 * The address of this host's interface `name`: its first IPv4 address, else its first
 * IPv6 one.
 *
 * @throws LaunchpadError `FAILED_PRECONDITION` naming `option` and the interfaces there are
 */
export function interfaceAddress(name: string, option: string): string {
  const interfaces = networkInterfaces();
  const addresses = (interfaces[name] ?? []).filter((entry) => !entry.address.startsWith('fe80'));
  const chosen = addresses.find((entry) => entry.family === 'IPv4') ?? addresses[0];
  if (chosen === undefined) {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `${option} is ${JSON.stringify(name)}, but host ${hostname()} has no such interface with an address; ` +
        `its interfaces are: ${Object.keys(interfaces).join(', ')}.`,
    );
  }
  return chosen.address;
}
