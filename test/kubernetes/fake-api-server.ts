/**
 * A loopback stand-in for a Kubernetes API server, for the kubernetes launcher's tests: a
 * real API server cannot run on these machines (no kube-apiserver, kind or k3s), so this
 * fake answers the core/v1 calls the launcher makes the way the real one does:
 * - every change bumps a `resourceVersion` stamped on objects and lists;
 * - lists, and watches that resume from a resourceVersion, end after a bounded time or
 *   on demand, and answer `410 Gone` once that version was compacted away;
 * - Pods go through the phases with the reasons a kubelet gives (see `fake-api/kubelet.ts`),
 *   and deletion is graceful (`deletionTimestamp`, SIGTERM, then gone);
 * - 409 AlreadyExists and 422 Invalid come from the objects themselves; any error code
 *   (403, 5xx…) can be injected per test with {@link FakeApiServer.inject};
 * - a cluster DNS answers the names headless Services give (`fake-api/cluster-dns.ts`).
 * It records every request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiStatus, usualMessage } from './fake-api/api-status.ts';
import { installClusterLookup, resolveClusterName, type DnsQuery } from './fake-api/cluster-dns.ts';
import { Kubelet, type PodStart } from './fake-api/kubelet.ts';
import { ObjectStore, type KubeObject, type WatchEvent } from './fake-api/object-store.ts';
import type { Termination } from './fake-api/pod-status.ts';
import { invalidFields } from './fake-api/validation.ts';

export type { PodStart } from './fake-api/kubelet.ts';
export type { KubeObject } from './fake-api/object-store.ts';

/** One request the server saw. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** An error the server answers instead of doing the request, `times` times. */
export interface Fault {
  /** `list` covers reading one object too. */
  readonly verb: 'create' | 'delete' | 'list' | 'watch' | 'log';
  readonly plural?: 'pods' | 'services' | 'secrets';
  /** Only for objects of this name. */
  readonly name?: string;
  /** The HTTP status: 403, 409, 422, 500, 503… */
  readonly code: number;
  /** @default the API server's usual message for the code */
  readonly message?: string;
  /** @default 1 */
  readonly times?: number;
}

/** How the fake behaves. */
export interface FakeApiServerOptions {
  /** Run every Pod's command as a local process; else Pods stay Pending. @default false */
  readonly runPods?: boolean;
  /** How each Pod starts, overriding `runPods`. */
  readonly startPod?: (pod: KubeObject) => PodStart;
  /** The longest a watch stays open, in ms (real servers: minutes). @default 5000 */
  readonly watchTimeoutMs?: number;
  /** The longest grace period a deleted Pod gets, in ms. @default 5000 */
  readonly maxGraceMs?: number;
}

/** A running fake API server. */
export interface FakeApiServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every API request, in order. */
  readonly requests: RecordedRequest[];
  /** Every look-up the cluster DNS answered, in order. */
  readonly dnsQueries: DnsQuery[];
  /** The objects that exist now, as sorted `Kind/name`. */
  objects(): string[];
  /** The Pods that exist now. */
  pods(): KubeObject[];
  /** Makes matching requests fail with `fault.code`. */
  inject(fault: Fault): void;
  /** Ends every open watch, as an API server does when it restarts or times one out. */
  endWatches(): void;
  /** Forgets the event history: a watch resuming from an older version gets 410 Gone. */
  compact(): void;
  /** Deletes a Pod from outside the launcher, as `kubectl delete pod` does. */
  deletePod(name: string): void;
  /** Kills a Pod's container as the OOM killer does. */
  oomKill(name: string): void;
  /** Ends a `pretend` Pod's container. */
  exitPod(name: string, end: Termination): void;
  /** Stops the server and kills every Pod process it started. */
  close(): Promise<void>;
}

const KINDS: Record<string, string> = { pods: 'Pod', services: 'Service', secrets: 'Secret' };
const HOOK_URL = new URL('./fake-api/pod-dns-hook.mjs', import.meta.url).href;
const PYTHON_HOOK_DIR = fileURLToPath(new URL('./fake-api/python-dns-hook/', import.meta.url));

/** Starts the fake on 127.0.0.1 with an OS-chosen port. */
export async function startFakeApiServer(
  options: FakeApiServerOptions = {},
): Promise<FakeApiServer> {
  const requests: RecordedRequest[] = [];
  const dnsQueries: DnsQuery[] = [];
  const faults: (Fault & { left: number })[] = [];
  const store = new ObjectStore();
  const watches = new Set<ServerResponse>();
  const open = new Set<ServerResponse>();
  let url = '';
  const kubelet = new Kubelet(store, {
    start: options.startPod ?? (() => (options.runPods === true ? 'run' : 'hold')),
    env: (pod, container) => ({
      LP_FAKE_DNS: `${url}/fake-dns?namespace=${pod.metadata.namespace ?? ''}`,
      NODE_OPTIONS:
        `${container['NODE_OPTIONS'] ?? process.env['NODE_OPTIONS'] ?? ''} --import=${HOOK_URL}`.trim(),
      // A Python Pod process imports the hook's sitecustomize.py at start-up; it goes
      // last, so the Pod's own PYTHONPATH (launchpad_ts first) keeps its order.
      PYTHONPATH: [container['PYTHONPATH'], PYTHON_HOOK_DIR].filter(Boolean).join(delimiter),
    }),
    maxGraceMs: options.maxGraceMs ?? 5_000,
  });
  const resolve = (name: string, namespace: string): string | undefined => {
    const address = resolveClusterName(store, name, namespace);
    dnsQueries.push({ name, address });
    return address;
  };

  const faultFor = (verb: Fault['verb'], plural: string, name: string): Fault | undefined => {
    const fault = faults.find(
      (f) =>
        f.left > 0 &&
        f.verb === verb &&
        (f.plural === undefined || f.plural === plural) &&
        (f.name === undefined || f.name === name),
    );
    if (fault !== undefined) fault.left -= 1;
    return fault;
  };

  const removePod = (pod: KubeObject, graceSeconds: number): KubeObject => {
    if (!kubelet.isRunning(pod)) return store.remove(pod);
    if (pod.metadata.deletionTimestamp !== undefined) return pod;
    pod.metadata.deletionTimestamp = new Date(Date.now() + graceSeconds * 1_000).toISOString();
    pod.metadata.deletionGracePeriodSeconds = graceSeconds;
    store.modified(pod);
    kubelet.terminate(pod, graceSeconds, () => store.remove(pod));
    return pod;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const address = new URL(request.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, object: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(object));
    };
    if (address.pathname === '/fake-dns') {
      const { searchParams } = address;
      const found = resolve(searchParams.get('name') ?? '', searchParams.get('namespace') ?? '');
      reply(found === undefined ? 404 : 200, { address: found });
      return;
    }
    let raw = '';
    for await (const chunk of request) raw += String(chunk);
    const body: unknown = raw === '' ? undefined : JSON.parse(raw);
    const method = request.method ?? '';
    const query = Object.fromEntries(address.searchParams);
    requests.push({ method, path: address.pathname, query, body });
    const match =
      /^\/api\/v1\/namespaces\/([^/]+)\/(pods|services|secrets)(?:\/([^/]+))?(\/log)?$/.exec(
        address.pathname,
      );
    if (match === null) {
      reply(404, apiStatus(404, `the server could not find the requested resource`));
      return;
    }
    const [, namespace = '', plural = '', name, log] = match;
    const kind = KINDS[plural] ?? '';
    const verb: Fault['verb'] =
      method === 'POST'
        ? 'create'
        : method === 'DELETE'
          ? 'delete'
          : log !== undefined
            ? 'log'
            : query['watch'] === 'true'
              ? 'watch'
              : 'list';
    const objectName = name ?? (body as KubeObject | undefined)?.metadata.name ?? '';
    const fault = faultFor(verb, plural, objectName);
    if (fault !== undefined) {
      const message =
        fault.message ?? usualMessage(fault.code, { verb, plural, name: objectName, namespace });
      reply(fault.code, apiStatus(fault.code, message, { name: objectName, kind: plural }));
      return;
    }
    const notFound = (): void => {
      reply(
        404,
        apiStatus(404, `${plural} "${objectName}" not found`, { name: objectName, kind: plural }),
      );
    };

    if (verb === 'create' && name === undefined) {
      const object = { ...(body as KubeObject), kind };
      object.metadata = { ...object.metadata, namespace };
      const problems = invalidFields(object);
      if (problems.length > 0) {
        const message = `${kind} "${objectName}" is invalid: ${problems.join(', ')}`;
        reply(422, apiStatus(422, message, { name: objectName, kind: plural }));
      } else if (store.get(kind, namespace, objectName) !== undefined) {
        const message = usualMessage(409, { verb, plural, name: objectName, namespace });
        reply(409, apiStatus(409, message, { name: objectName, kind: plural }));
      } else {
        if (kind === 'Pod') kubelet.admit(object);
        reply(201, store.add(object));
      }
    } else if (verb === 'delete' && name !== undefined) {
      const object = store.get(kind, namespace, name);
      if (object === undefined) {
        notFound();
        return;
      }
      const requested = (body as { gracePeriodSeconds?: number } | undefined)?.gracePeriodSeconds;
      const grace =
        requested ?? (object.spec?.['terminationGracePeriodSeconds'] as number | undefined) ?? 30;
      reply(200, kind === 'Pod' ? removePod(object, grace) : store.remove(object));
    } else if (verb === 'list' && name !== undefined) {
      const object = store.get(kind, namespace, name);
      if (object === undefined) notFound();
      else reply(200, object);
    } else if (verb === 'list' && name === undefined) {
      reply(200, {
        kind: `${kind}List`,
        apiVersion: 'v1',
        metadata: { resourceVersion: store.version },
        items: store.list(kind, namespace).filter(selects(query['labelSelector'])),
      });
    } else if (verb === 'watch' && name === undefined) {
      watch(response, kind, namespace, query);
    } else if (verb === 'log' && name !== undefined) {
      followLog(response, name, query['follow'] === 'true');
    } else {
      reply(405, apiStatus(405, `${method} is not supported on ${address.pathname}`));
    }
  };

  const watch = (
    response: ServerResponse,
    kind: string,
    namespace: string,
    query: Record<string, string>,
  ): void => {
    response.writeHead(200, { 'content-type': 'application/json' });
    // Clients wait for the headers before they read events.
    response.flushHeaders();
    const matches = selects(query['labelSelector']);
    const send = (type: string, object: unknown): void => {
      response.write(`${JSON.stringify({ type, object })}\n`);
    };
    const from = query['resourceVersion'] ?? '';
    if (from === '' || from === '0') {
      // No version: the current state as ADDED events, then the changes.
      for (const object of store.list(kind, namespace)) if (matches(object)) send('ADDED', object);
    } else {
      const missed = store.eventsSince(Number(from));
      if (missed === 'gone') {
        const message = `too old resource version: ${from} (${store.version})`;
        send('ERROR', apiStatus(410, message));
        response.end();
        return;
      }
      for (const event of missed) if (relevant(event)) send(event.type, event.object);
    }
    function relevant(event: WatchEvent): boolean {
      return (
        event.object.kind === kind &&
        event.object.metadata.namespace === namespace &&
        matches(event.object)
      );
    }
    const unsubscribe = store.subscribe((event) => {
      if (relevant(event)) send(event.type, event.object);
    });
    const seconds = Number(query['timeoutSeconds'] ?? Infinity);
    const timer = setTimeout(
      () => response.end(),
      Math.min(seconds * 1_000, options.watchTimeoutMs ?? 5_000),
    );
    watches.add(response);
    open.add(response);
    response.once('close', () => {
      clearTimeout(timer);
      unsubscribe();
      watches.delete(response);
      open.delete(response);
    });
  };

  const followLog = (response: ServerResponse, name: string, follow: boolean): void => {
    const entry = kubelet.log(name);
    if (entry === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(apiStatus(404, `pods "${name}" not found`)));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.flushHeaders();
    response.write(entry.text);
    if (entry.ended || !follow) {
      response.end();
      return;
    }
    open.add(response);
    const listener = (chunk: string | null): void => {
      if (chunk === null) response.end();
      else response.write(chunk);
    };
    entry.listeners.add(listener);
    response.once('close', () => {
      entry.listeners.delete(listener);
      open.delete(response);
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  // The launcher (this process) reaches Pods by the names they advertise, as one running
  // inside the cluster would.
  const uninstallLookup = installClusterLookup((name) =>
    /\.svc(\.cluster\.local)?$/.test(name) ? resolve(name, '') : undefined,
  );
  const podNamed = (name: string): KubeObject | undefined =>
    [...allPods(store)].find((pod) => pod.metadata.name === name);
  return {
    url,
    requests,
    dnsQueries,
    objects: () => store.keys(),
    pods: () => [...allPods(store)],
    inject: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    endWatches: () => {
      for (const response of watches) response.end();
    },
    compact: () => {
      store.compact();
    },
    deletePod: (name) => {
      const pod = podNamed(name);
      if (pod !== undefined) removePod(pod, 30);
    },
    oomKill: (name) => {
      kubelet.oomKill(name);
    },
    exitPod: (name, end) => {
      kubelet.exit(name, end);
    },
    close: async () => {
      uninstallLookup();
      kubelet.close();
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((done) =>
        server.close(() => {
          done();
        }),
      );
    },
  };
}

function* allPods(store: ObjectStore): Generator<KubeObject> {
  for (const namespace of store.namespaces()) yield* store.list('Pod', namespace);
}

/** Whether an object's labels match a `key=value[,key=value]` selector. */
function selects(selector: string | undefined): (object: KubeObject) => boolean {
  const pairs = (selector ?? '')
    .split(',')
    .filter((part) => part !== '')
    .map((part) => part.split('=') as [string, string]);
  return (object) => pairs.every(([key, value]) => object.metadata.labels?.[key] === value);
}
