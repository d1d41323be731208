/**
 * @module
 * The same-host route to a node: besides its TCP `host:port`, a node's RPC server may
 * listen on a Unix domain socket, and the address it registers then also carries the
 * socket's path and an identity of the host (and mount namespace) the path belongs to. A
 * client whose own identity is the same connects to the path; any other keeps TCP. A path
 * means something only where it was made: another host, or a container (a Kubernetes
 * Pod) with its own hostname or mount namespace, has another identity.
 *
 * The address stays one string inside TypeScript (`host:port`, or
 * `host:port unix:<identity>:<path>`), so resolvers, the address book and the launcher
 * pass it along unchanged; the launcher's `lookup` strips the route for callers that do
 * not ask for it (Python nodes).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { readVariable, USER_VARIABLES } from '../internal/environment.ts';

/** Where a node also listens on this host. */
export interface LocalRoute {
  /** The Unix socket's path. */
  readonly path: string;
  /** The identity of the host and mount namespace the path belongs to ({@link hostIdentity}). */
  readonly host: string;
}

/** A node's address: TCP always, a Unix socket on the same host when it listens on one. */
export interface NodeAddress {
  /** `host:port`. */
  readonly tcp: string;
  /** The same-host route, if any. */
  readonly local?: LocalRoute;
}

const LOCAL_PREFIX = ' unix:';

/** The one string a {@link NodeAddress} travels as inside TypeScript. */
export function formatAddress(address: NodeAddress): string {
  const { tcp, local } = address;
  return local === undefined ? tcp : `${tcp}${LOCAL_PREFIX}${local.host}:${local.path}`;
}

/** Reads what {@link formatAddress} wrote (a plain `host:port` has no local route). */
export function parseAddress(address: string): NodeAddress {
  const at = address.indexOf(LOCAL_PREFIX);
  if (at < 0) return { tcp: address };
  const rest = address.slice(at + LOCAL_PREFIX.length);
  const colon = rest.indexOf(':');
  const tcp = address.slice(0, at);
  if (colon <= 0) return { tcp };
  return { tcp, local: { host: rest.slice(0, colon), path: rest.slice(colon + 1) } };
}

/** False when `LP_UNIX_SOCKETS=0` keeps this process's calls on TCP. */
export function unixSocketsAllowed(): boolean {
  return readVariable(USER_VARIABLES.unixSockets)?.value !== '0';
}

let identity: string | undefined;

/**
 * This process's host identity: a hash of the host name, the kernel's boot id and the
 * mount namespace (where the platform has them), so that two processes share it only
 * when a path one makes is the same file for the other. Hex, with no `:`.
 */
export function hostIdentity(): string {
  identity ??= createHash('sha256')
    .update([hostname(), readOr('/proc/sys/kernel/random/boot_id'), mountNamespace()].join('\n'))
    .digest('hex')
    .slice(0, 24);
  return identity;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function mountNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/mnt');
  } catch {
    return '';
  }
}
