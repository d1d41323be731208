/**
 * A loopback stand-in for a Kubernetes API server, for the kubernetes launcher's tests:
 * it records every request and answers the core/v1 calls the launcher makes (create and
 * delete Secrets, Services and Pods; watch Pods; follow a Pod's log). With `runPods`, a
 * fake kubelet runs each Pod's command as a local process (the image is ignored), with
 * the Pod's env (Secret references resolved) and working directory, and moves the Pod
 * through Pending → Running → Succeeded/Failed, so programs really run end to end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server saw. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

interface KubeObject {
  metadata: { name: string; labels?: Record<string, string>; [key: string]: unknown };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  stringData?: Record<string, string>;
  [key: string]: unknown;
}

interface Container {
  command: string[];
  workingDir?: string;
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef: { name: string; key: string } };
  }[];
}

/** A running fake API server. */
export interface FakeApiServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every request, in order. */
  readonly requests: RecordedRequest[];
  /** The objects that exist now, by `kind/name`. */
  objects(): string[];
  /** Stops the server and kills every Pod process it started. */
  close(): Promise<void>;
}

const KINDS: Record<string, string> = { pods: 'Pod', services: 'Service', secrets: 'Secret' };

/** Starts the fake on 127.0.0.1 with an OS-chosen port. */
export async function startFakeApiServer(
  options: { runPods?: boolean } = {},
): Promise<FakeApiServer> {
  const requests: RecordedRequest[] = [];
  const store = new Map<string, KubeObject>();
  const watchers = new Set<(type: string, pod: KubeObject) => void>();
  const logs = new Map<
    string,
    { text: string; listeners: Set<(chunk: string | null) => void>; ended: boolean }
  >();
  const processes = new Map<string, ChildProcess>();
  const open = new Set<ServerResponse>();

  const emit = (type: string, pod: KubeObject): void => {
    for (const watcher of watchers) watcher(type, structuredClone(pod));
  };
  const setPhase = (name: string, phase: string, exitCode?: number): void => {
    const pod = store.get(`Pod/${name}`);
    if (pod === undefined) return;
    pod.status = { phase };
    if (exitCode !== undefined) {
      const reason = exitCode === 0 ? 'Completed' : 'Error';
      pod.status['containerStatuses'] = [
        { name: 'node', state: { terminated: { exitCode, reason } } },
      ];
    }
    emit('MODIFIED', pod);
  };
  const appendLog = (name: string, chunk: string | null): void => {
    const log = logs.get(name);
    if (log === undefined || log.ended) return;
    if (chunk === null) log.ended = true;
    else log.text += chunk;
    for (const listener of log.listeners) listener(chunk);
  };
  const runPod = (pod: KubeObject): void => {
    const name = pod.metadata.name;
    const container = (pod.spec?.['containers'] as Container[])[0];
    if (container === undefined) return;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.secretKeyRef;
      const secret = ref === undefined ? undefined : store.get(`Secret/${ref.name}`);
      env[variable.name] = ref === undefined ? variable.value : secret?.stringData?.[ref.key];
    }
    const [command = 'node', ...args] = container.command;
    const child = spawn(command === 'node' ? process.execPath : command, args, {
      cwd: container.workingDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    processes.set(name, child);
    setPhase(name, 'Running');
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      appendLog(name, chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      appendLog(name, chunk);
    });
    child.once('close', (code) => {
      processes.delete(name);
      appendLog(name, null);
      setPhase(name, code === 0 ? 'Succeeded' : 'Failed', code ?? 137);
    });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    let raw = '';
    for await (const chunk of request) raw += String(chunk);
    const body: unknown = raw === '' ? undefined : JSON.parse(raw);
    requests.push({
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
    });
    const match =
      /^\/api\/v1\/namespaces\/([^/]+)\/(pods|services|secrets)(?:\/([^/]+))?(\/log)?$/.exec(
        url.pathname,
      );
    const reply = (status: number, object: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(object));
    };
    if (match === null) {
      reply(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
      return;
    }
    const [, , plural = '', name, log] = match;
    const kind = KINDS[plural] ?? '';
    const key = `${kind}/${name ?? ''}`;
    if (request.method === 'POST' && name === undefined) {
      const object = body as KubeObject;
      const objectKey = `${kind}/${object.metadata.name}`;
      if (store.has(objectKey)) {
        reply(409, { kind: 'Status', status: 'Failure', reason: 'AlreadyExists', code: 409 });
        return;
      }
      if (kind === 'Pod') object.status = { phase: 'Pending' };
      store.set(objectKey, object);
      if (kind === 'Pod') {
        logs.set(object.metadata.name, { text: '', listeners: new Set(), ended: false });
        emit('ADDED', object);
        if (options.runPods === true)
          setTimeout(() => {
            runPod(object);
          }, 20);
      }
      reply(201, object);
    } else if (request.method === 'DELETE' && name !== undefined) {
      const object = store.get(key);
      if (object === undefined) {
        reply(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
        return;
      }
      store.delete(key);
      if (kind === 'Pod') {
        processes.get(name)?.kill('SIGKILL');
        emit('DELETED', object);
      }
      reply(200, object);
    } else if (
      request.method === 'GET' &&
      kind === 'Pod' &&
      url.searchParams.get('watch') === 'true'
    ) {
      response.writeHead(200, { 'content-type': 'application/json' });
      // Clients wait for the headers before they read events.
      response.flushHeaders();
      open.add(response);
      const selector = url.searchParams.get('labelSelector') ?? '';
      const [labelKey = '', labelValue = ''] = selector.split('=');
      const watcher = (type: string, pod: KubeObject): void => {
        if (pod.metadata.labels?.[labelKey] === labelValue)
          response.write(`${JSON.stringify({ type, object: pod })}\n`);
      };
      for (const object of store.values()) if (object['kind'] === 'Pod') watcher('ADDED', object);
      watchers.add(watcher);
      response.once('close', () => {
        watchers.delete(watcher);
        open.delete(response);
      });
    } else if (request.method === 'GET' && log !== undefined && name !== undefined) {
      const entry = logs.get(name);
      if (entry === undefined) {
        reply(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.flushHeaders();
      response.write(entry.text);
      if (entry.ended || url.searchParams.get('follow') !== 'true') {
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
    } else {
      reply(405, { kind: 'Status', status: 'Failure', reason: 'MethodNotAllowed', code: 405 });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    requests,
    objects: () => [...store.keys()].sort(),
    close: async () => {
      for (const child of processes.values()) child.kill('SIGKILL');
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
