/**
 * A stand-in for a launch's HTTP API (the contract in docs/cli.md), for the CLI's tests
 * until the dashboard's real server is merged: 127.0.0.1 only, the per-launch token,
 * JSON answers and `{ error }` bodies, logs with `tail` and `follow` (server-sent events),
 * stack dumps, stop. Each node's state and answers are set by the test.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One node of the fake launch. */
export interface FakeNode {
  readonly id: string;
  state: 'starting' | 'running' | 'restarting' | 'stopped' | 'failed';
  restarts: number;
  deathCause?: string;
  /** The stack dump's text; `'hang'`: the dump never answers; `'501'`: no stack dumps. */
  stack: string;
  /** The lines the node printed so far. */
  readonly logs: { t: string; stream: 'stdout' | 'stderr'; text: string }[];
  /** The p99 event-loop delay of its last report, ms. @default 2 */
  eventLoopDelayMs?: number;
}

/** The fake server and what it saw. */
export interface FakeLaunchApi {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly token: string;
  readonly nodes: FakeNode[];
  /** `METHOD path` of every request that carried the token, in order. */
  readonly requests: string[];
  /** Resolves when `POST /api/stop` arrives. */
  readonly stopRequested: Promise<void>;
  /** Resolves once a client follows `nodeId`'s log. */
  followed(nodeId: string): Promise<void>;
  /** Appends a line to a node's log, and sends it to whoever follows that log. */
  print(nodeId: string, text: string): void;
  readonly close: () => Promise<void>;
}

/** Starts a fake launch API with `nodes`; the launch's own fields come from `launch`. */
export async function startFakeLaunchApi(
  launch: { id: string; programName: string; workdir: string },
  nodes: FakeNode[],
): Promise<FakeLaunchApi> {
  const token = `token-${launch.id}`;
  const requests: string[] = [];
  const followers = new Map<string, Set<ServerResponse>>();
  const followWaiters = new Map<string, () => void>();
  let markStopped = (): void => undefined;
  const stopRequested = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  const send = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const findNode = (response: ServerResponse, encoded: string): FakeNode | undefined => {
    const id = decodeURIComponent(encoded);
    const node = nodes.find((each) => each.id === id);
    if (node === undefined) {
      send(response, 404, {
        error: `No node ${id} in launch ${launch.id}; its nodes are: ${nodes.map((each) => each.id).join(', ')}.`,
      });
    }
    return node;
  };
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const given =
      url.searchParams.get('token') ?? request.headers.authorization?.replace(/^Bearer /, '');
    if (given !== token) {
      send(response, 401, { error: 'This launch API needs its token.' });
      return;
    }
    const method = request.method ?? 'GET';
    requests.push(`${method} ${url.pathname}${url.search}`);
    const logs = /^\/api\/logs\/([^/]+)$/.exec(url.pathname);
    const action = /^\/api\/nodes\/([^/]+)\/(stack|restart)$/.exec(url.pathname);
    if (method === 'GET' && url.pathname === '/api/launch') {
      send(response, 200, {
        ...launch,
        launchType: 'processes',
        script: '/home/user/main.ts',
        pid: process.pid,
        startedAt: '2026-11-30T10:00:00.000Z',
        outcome: 'running',
        readOnly: false,
      });
    } else if (method === 'GET' && url.pathname === '/api/nodes') {
      send(response, 200, {
        nodes: nodes.map(({ id, state, restarts, deathCause, eventLoopDelayMs = 2 }) => ({
          id,
          label: id.split('/')[0],
          state,
          restarts,
          ...(deathCause === undefined ? {} : { deathCause }),
          pid: 4242,
          uptimeMs: 61_000,
          cpuPercent: 12.5,
          rssBytes: 64 * 2 ** 20,
          eventLoopUtilization: 0.25,
          eventLoopDelayMs,
          callsPerSec: 3.5,
          p50Ms: 1.2,
          p99Ms: 9.8,
          errors: 0,
        })),
      });
    } else if (method === 'GET' && logs !== null) {
      const node = findNode(response, logs[1]!);
      if (node === undefined) return;
      const tail = Number(url.searchParams.get('tail') ?? '100');
      const lines = tail === 0 ? [] : node.logs.slice(-tail);
      if (url.searchParams.get('follow') !== '1') {
        send(response, 200, { lines });
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const line of lines) response.write(`data: ${JSON.stringify(line)}\n\n`);
      const set = followers.get(node.id) ?? new Set();
      set.add(response);
      followers.set(node.id, set);
      response.once('close', () => set.delete(response));
      followWaiters.get(node.id)?.();
    } else if (method === 'POST' && action !== null) {
      const node = findNode(response, action[1]!);
      if (node === undefined) return;
      if (action[2] === 'restart') send(response, 200, { ok: true });
      else if (node.stack === '501')
        send(response, 501, { error: 'Stack dumps are not available in this build.' });
      else if (node.stack !== 'hang') send(response, 200, { nodeId: node.id, text: node.stack });
      // 'hang': no answer, as from a node that cannot be reached.
    } else if (method === 'POST' && url.pathname === '/api/stop') {
      send(response, 200, { ok: true });
      markStopped();
    } else {
      send(response, 404, { error: `No route ${method} ${url.pathname}.` });
    }
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    nodes,
    requests,
    stopRequested,
    followed: (nodeId) =>
      new Promise((resolve) => {
        if ((followers.get(nodeId)?.size ?? 0) > 0) resolve();
        else followWaiters.set(nodeId, resolve);
      }),
    print(nodeId, text) {
      const line = { t: new Date().toISOString(), stream: 'stdout' as const, text };
      nodes.find((node) => node.id === nodeId)?.logs.push(line);
      for (const follower of followers.get(nodeId) ?? []) {
        follower.write(`data: ${JSON.stringify(line)}\n\n`);
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
