/**
 * @module
 * Where the launcher's control server and the nodes' servers bind on Kubernetes, and the
 * names they are reached by. Pods run on other hosts than the launcher and than each
 * other, each in its own network: a node binds all of its Pod's interfaces and is
 * reached by its Pod's DNS name (`nodeDnsNames`), never by an address of the launcher's.
 */
import type { KubernetesOptions } from './descriptor/kubernetes-options.ts';
import { USER_VARIABLES } from '../../../internal/environment.ts';

/** The interfaces to bind and the names to advertise. */
export interface KubernetesNetwork {
  /** The interface the launcher's control server binds. */
  readonly controlHost: string;
  /** The name Pods reach the control server by. */
  readonly advertiseHost: string;
  /** The interface each node's RPC server binds inside its Pod. */
  readonly nodeBindHost: string;
}

const WILDCARDS = new Set(['0.0.0.0', '::']);
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The network settings of a launch: `controlHost` (else `LP_KUBERNETES_CONTROL_HOST`,
 * else every interface), reached at `advertiseHost` (else this machine's host name when
 * bound to every interface, else the bound address). Nodes bind every interface of their
 * Pod, unless the control host is a loopback address: then the "cluster" shares this
 * machine's network (a test cluster) and they stay on loopback too.
 */
export function kubernetesNetwork(
  options: Pick<KubernetesOptions, 'controlHost' | 'advertiseHost'>,
  environment: NodeJS.ProcessEnv,
  machineHostname: string,
): KubernetesNetwork {
  const fromEnvironment = environment[USER_VARIABLES.kubernetesControlHost];
  const controlHost =
    options.controlHost ??
    (fromEnvironment === undefined || fromEnvironment === '' ? '0.0.0.0' : fromEnvironment);
  return {
    controlHost,
    advertiseHost:
      options.advertiseHost ?? (WILDCARDS.has(controlHost) ? machineHostname : controlHost),
    nodeBindHost: LOOPBACK.has(controlHost) ? controlHost : '0.0.0.0',
  };
}
