/**
 * The fake cluster's DNS, with the records a headless Service gives: a Pod with
 * `hostname: h` and `subdomain: s`, selected by a headless Service named `s` in its
 * namespace `ns`, is `h.s.ns.svc.cluster.local` (also reached as `h.s.ns.svc`, and as
 * `h.s` from its own namespace through the search path). Nothing else resolves, the
 * launcher machine's host name included, as from inside a real Pod. Each fake Pod
 * process loads `pod-dns-hook.mjs`, which sends its look-ups here; the test process can
 * install the same answers with {@link installClusterLookup}.
 */
import dns from 'node:dns';
import { isIP } from 'node:net';
import type { KubeObject, ObjectStore } from './object-store.ts';

/** One look-up the fake DNS answered. */
export interface DnsQuery {
  readonly name: string;
  /** The address, or undefined for NXDOMAIN. */
  readonly address: string | undefined;
}

/**
 * The address of `name` asked from a Pod in `namespace`, or undefined when the cluster
 * DNS has no such record.
 */
export function resolveClusterName(
  store: ObjectStore,
  name: string,
  namespace: string,
): string | undefined {
  const labels = name.replace(/\.$/, '').split('.');
  const [hostname = '', subdomain = '', ...rest] = labels;
  const suffix = rest.join('.');
  let podNamespace: string;
  if (labels.length === 2) podNamespace = namespace;
  else if (/^[^.]+\.svc(\.cluster\.local)?$/.test(suffix))
    podNamespace = suffix.split('.')[0] ?? '';
  else return undefined;
  const service = store.get('Service', podNamespace, subdomain);
  const selector = (service?.spec?.['selector'] ?? {}) as Record<string, string>;
  if (service?.spec?.['clusterIP'] !== 'None' || Object.keys(selector).length === 0)
    return undefined;
  const publishNotReady = service.spec['publishNotReadyAddresses'] === true;
  const pod = store
    .list('Pod', podNamespace)
    .find(
      (candidate) =>
        candidate.spec?.['hostname'] === hostname &&
        candidate.spec['subdomain'] === subdomain &&
        Object.entries(selector).every(
          ([key, value]) => candidate.metadata.labels?.[key] === value,
        ),
    );
  return pod !== undefined && hasEndpoint(pod, publishNotReady) ? podIp(pod) : undefined;
}

// A Pod is an endpoint of its Service once it has an IP, while it is not terminating;
// before it is ready only when the Service publishes not-ready addresses.
function hasEndpoint(pod: KubeObject, publishNotReady: boolean): boolean {
  if (pod.metadata.deletionTimestamp !== undefined || podIp(pod) === undefined) return false;
  const ready = (
    pod.status?.['conditions'] as { type: string; status: string }[] | undefined
  )?.some((condition) => condition.type === 'Ready' && condition.status === 'True');
  return publishNotReady || ready === true;
}

function podIp(pod: KubeObject): string | undefined {
  const ip = pod.status?.['podIP'];
  return typeof ip === 'string' ? ip : undefined;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * Makes `dns.lookup` in this process answer cluster names with `resolve`; other names
 * (the test machine's own) go to the real resolver. Returns the function that undoes it.
 */
export function installClusterLookup(resolve: (name: string) => string | undefined): () => void {
  const original = dns.lookup;
  const patched = (
    hostname: string,
    options: dns.LookupOptions | number | LookupCallback,
    callback?: LookupCallback,
  ): void => {
    const done = typeof options === 'function' ? options : callback!;
    const settings: dns.LookupOptions =
      typeof options === 'function'
        ? {}
        : typeof options === 'number'
          ? { family: options }
          : options;
    const address = isIP(hostname) === 0 ? resolve(hostname) : undefined;
    if (address === undefined) {
      (original as (...args: unknown[]) => void)(hostname, settings, done);
      return;
    }
    process.nextTick(() => {
      if (settings.all === true) done(null, [{ address, family: 4 }]);
      else done(null, address, 4);
    });
  };
  dns.lookup = patched as typeof dns.lookup;
  return () => {
    dns.lookup = original;
  };
}
