/**
 * @module
 * The launch API: an HTTP server on 127.0.0.1 that serves a {@link LaunchView} (a running
 * launch, or a reopened history) at the routes of docs/observability.md, the dashboard
 * page at `/`, and its files. Every request needs the launch's token and a Host of
 * `127.0.0.1:<port>` or `localhost:<port>`; connections without them are few and short
 * (see local-http-guard.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LaunchpadError } from '../../errors/errors.ts';
import {
  isLocalHost,
  LocalHttpGuard,
  TIMEOUT_OPTIONS,
  wrongHostMessage,
} from '../../internal/local-http-guard.ts';
import { hasToken, openEventStream, sendError, sendJson } from './http-replies.ts';
import type { LaunchView } from './launch-view.ts';
import type { NodeActions } from './node-actions.ts';
import { pageHtml, staticAsset } from './static-assets.ts';
import { thrownMessage } from '../../errors/thrown.ts';

/** A listening launch API. */
export interface LaunchApiServer {
  /** Its base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The dashboard page's URL, token included. */
  readonly pageUrl: string;
  /** Stops listening and ends open streams. */
  close(): Promise<void>;
}

/** What the server serves and with what. */
export interface LaunchApiOptions {
  readonly view: LaunchView;
  readonly token: string;
  /** What the POST routes call; undefined for a read-only (reopened) launch. */
  readonly actions: NodeActions | undefined;
  /** The port (0: a free one). */
  readonly port: number;
}

const DEFAULT_TAIL = 200;
const DEFAULT_PROFILE_MS = 2_000;
const MAX_PROFILE_MS = 60_000;

/** Starts the launch API on 127.0.0.1. */
export async function serveLaunchApi(options: LaunchApiOptions): Promise<LaunchApiServer> {
  let port = options.port;
  const server: Server = createServer(TIMEOUT_OPTIONS, (request, response) => {
    route({ ...options, port, guard }, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, thrownMessage(error));
      else response.end();
    });
  });
  const guard = new LocalHttpGuard(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : options.port;
  const url = `http://127.0.0.1:${String(port)}`;
  return {
    url,
    pageUrl: `${url}/?token=${encodeURIComponent(options.token)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

async function route(
  options: LaunchApiOptions & { readonly port: number; readonly guard: LocalHttpGuard },
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // Before the token: a page of another site, even one whose name resolves here, is
  // answered nothing else.
  if (!isLocalHost(request, options.port)) {
    sendError(response, 421, wrongHostMessage(options.port));
    return;
  }
  let url: URL;
  try {
    url = new URL(request.url ?? '/', 'http://127.0.0.1');
  } catch {
    // A target such as `http://[` parses as no URL: the request is malformed, not the server.
    sendError(response, 400, `${request.method ?? '?'}: the request's target is not a URL.`);
    return;
  }
  if (!hasToken(request, url, options.token)) {
    sendError(
      response,
      401,
      'This launch API needs the launch token: open the URL the launcher printed, or pass ?token=… or Authorization: Bearer ….',
    );
    return;
  }
  options.guard.proven(request);
  const { view } = options;
  const path = url.pathname;
  if (request.method === 'GET') {
    getRoute(view, path, { request, response, url });
    return;
  }
  if (request.method !== 'POST') {
    sendError(
      response,
      405,
      `${request.method ?? '?'} ${path}: the launch API takes GET and POST.`,
    );
    return;
  }
  if (options.actions === undefined) {
    const info = view.launch();
    sendError(
      response,
      409,
      `POST ${path}: launch ${info.id} of ${info.programName} is a finished launch, opened read-only.`,
    );
    return;
  }
  await postRoute(options.actions, view, { path, url }, response);
}

interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
}

function getRoute(view: LaunchView, path: string, { request, response, url }: Exchange): void {
  if (path === '/' || path === '/index.html') {
    const page = pageHtml(url.searchParams.get('token') ?? '');
    response.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-store' });
    response.end(page.body);
    return;
  }
  const asset = staticAsset(path);
  if (asset !== undefined) {
    response.writeHead(200, { 'content-type': asset.type }).end(asset.body);
  } else if (path === '/api/launch') {
    sendJson(response, 200, view.launch());
  } else if (path === '/api/nodes') {
    sendJson(response, 200, { nodes: view.nodes() });
  } else if (path === '/api/graph') {
    sendJson(response, 200, view.graph());
  } else if (path === '/api/events') {
    streamEvents(view, request, response);
  } else if (path.startsWith('/api/logs/')) {
    const nodeId = decodedSegment(path.slice('/api/logs/'.length), `GET ${path}`, response);
    if (nodeId === undefined) return;
    logsRoute(view, nodeId, {
      request,
      response,
      url,
    });
  } else {
    sendError(
      response,
      404,
      `GET ${path}: no such route of the launch API; see docs/observability.md.`,
    );
  }
}

function logsRoute(view: LaunchView, nodeId: string, { request, response, url }: Exchange): void {
  if (!knownNode(view, nodeId, `GET /api/logs/${nodeId}`, response)) return;
  const given = url.searchParams.get('tail');
  const tail = Number(given ?? DEFAULT_TAIL);
  if (!Number.isInteger(tail) || tail < 0) {
    sendError(
      response,
      400,
      `GET /api/logs/${nodeId}: tail must be a whole number of lines, got ${given ?? ''}.`,
    );
    return;
  }
  // Following sends the latest `tail` lines first, then each line as it comes, as `tail -f`.
  if (url.searchParams.get('follow') === '1') {
    followLogs(view, nodeId, tail, { request, response });
    return;
  }
  sendJson(response, 200, { lines: view.logs(nodeId, tail) });
}

async function postRoute(
  actions: NodeActions,
  view: LaunchView,
  { path, url }: { readonly path: string; readonly url: URL },
  response: ServerResponse,
): Promise<void> {
  if (path === '/api/stop') {
    // Answer first: the stop may take the whole grace period.
    sendJson(response, 200, { ok: true });
    void actions.stop(stopRequester(url.searchParams.get('by'))).catch(() => undefined);
    return;
  }
  const [, encoded, action] = /^\/api\/nodes\/(.+)\/(stack|profile|restart)$/.exec(path) ?? [];
  if (encoded === undefined || action === undefined) {
    sendError(
      response,
      404,
      `POST ${path}: no such route of the launch API; see docs/observability.md.`,
    );
    return;
  }
  const nodeId = decodedSegment(encoded, `POST ${path}`, response);
  if (nodeId === undefined) return;
  const what = `POST /api/nodes/${nodeId}/${action}`;
  if (!knownNode(view, nodeId, what, response)) return;
  try {
    if (action === 'stack') {
      sendJson(response, 200, { nodeId, text: await actions.stackDump(nodeId) });
    } else if (action === 'restart') {
      await actions.restartNode(nodeId);
      sendJson(response, 200, { ok: true });
    } else {
      const durationMs = Number(url.searchParams.get('ms') ?? DEFAULT_PROFILE_MS);
      if (!Number.isInteger(durationMs) || durationMs < 1 || durationMs > MAX_PROFILE_MS) {
        sendError(
          response,
          400,
          `${what}: ms must be a whole number of milliseconds from 1 to ${String(MAX_PROFILE_MS)}, got ${url.searchParams.get('ms') ?? ''}.`,
        );
        return;
      }
      const profile = await actions.cpuProfile(nodeId, { durationMs });
      const file = `${nodeId.replace(/\//g, '-')}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
      response
        .writeHead(200, {
          'content-type': 'application/json',
          'content-disposition': `attachment; filename="${file}"`,
        })
        .end(JSON.stringify(profile));
    }
  } catch (error) {
    sendError(response, statusOf(error), `${what}: ${thrownMessage(error)}`);
  }
}

/** `encoded` with its `%` escapes decoded; undefined (and a 400 sent) for a malformed one. */
function decodedSegment(
  encoded: string,
  what: string,
  response: ServerResponse,
): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    sendError(
      response,
      400,
      `${what}: the node id has a malformed % escape; encode it with encodeURIComponent (producer/0 is producer%2F0).`,
    );
    return undefined;
  }
}

function knownNode(
  view: LaunchView,
  nodeId: string,
  what: string,
  response: ServerResponse,
): boolean {
  const ids = view.nodeIds();
  if (ids.includes(nodeId)) return true;
  sendError(
    response,
    404,
    `${what}: there is no node ${nodeId} in this launch; its nodes are ${ids.join(', ')}.`,
  );
  return false;
}

function streamEvents(view: LaunchView, request: IncomingMessage, response: ServerResponse): void {
  const stream = openEventStream(request, response);
  // A page that opens late first gets the whole picture, then every change.
  stream.send(view.launch(), 'launch');
  stream.send(view.graph(), 'graph');
  stream.send({ nodes: view.nodes() }, 'nodes');
  for (const sample of view.samples()) stream.send(sample, 'metrics');
  stream.opened();
  stream.onClose(
    view.subscribe((update) => {
      stream.send(update.data, update.event);
    }),
  );
}

function followLogs(
  view: LaunchView,
  nodeId: string,
  tail: number,
  { request, response }: { readonly request: IncomingMessage; readonly response: ServerResponse },
): void {
  const stream = openEventStream(request, response);
  for (const { t, stream: which, text } of view.logs(nodeId, tail)) {
    stream.send({ t, stream: which, text });
  }
  stream.opened();
  stream.onClose(
    view.subscribe((update) => {
      if (update.event !== 'log' || update.data.nodeId !== nodeId) return;
      const { t, stream: which, text } = update.data;
      stream.send({ t, stream: which, text });
    }),
  );
}

function statusOf(error: unknown): number {
  if (error instanceof LaunchpadError) {
    if (error.code === 'INVALID_ARGUMENT') return 404;
    if (error.code === 'FAILED_PRECONDITION' || error.code === 'UNAVAILABLE') return 409;
  }
  return 500;
}

/**
 * Who asked for a stop, as the launcher's line says it: `?by=cli` (`launchpad-ts stop`),
 * `?by=dashboard` (its Stop button), else a client of the launch API. Only these fixed
 * texts are printed: the query is the client's word, not trusted text for a terminal.
 */
function stopRequester(by: string | null): string {
  if (by === 'cli') return '`launchpad-ts stop` asked for it';
  if (by === 'dashboard') return "the dashboard's Stop button asked for it";
  return 'a client of the launch API (POST /api/stop) asked for it';
}
