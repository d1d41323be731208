/**
 * @module
 * The launcher's `/metrics` endpoint: an HTTP server on 127.0.0.1 that answers Prometheus'
 * scrapes with every node's metrics. Started only when `metricsPort` or
 * `--lp_metrics_port` asks for it. It answers only requests to `127.0.0.1:<port>` or
 * `localhost:<port>`, and holds few, short connections before one has asked so (see
 * local-http-guard.ts).
 */
import { createServer, type Server } from 'node:http';
import type { ProgramMetrics } from './metrics-store.ts';
import {
  isLocalHost,
  LocalHttpGuard,
  TIMEOUT_OPTIONS,
  wrongHostMessage,
} from '../../internal/local-http-guard.ts';

/** A listening `/metrics` server. */
export interface MetricsServer {
  /** The full URL of the endpoint, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Serves `read()` at `/metrics` on 127.0.0.1:`port` (0: a free port). prom-client is
 * loaded here, on the first launch that serves metrics, and never otherwise.
 */
export async function serveMetrics(
  port: number,
  read: () => ProgramMetrics,
): Promise<MetricsServer> {
  const { prometheusText, PROMETHEUS_CONTENT_TYPE } = await import('./prometheus-text.ts');
  let bound = port;
  const server: Server = createServer(TIMEOUT_OPTIONS, (request, response) => {
    // No token here (Prometheus has none to give), so the Host is the whole check: a
    // page of another site that made its name resolve to 127.0.0.1 reads nothing.
    if (!isLocalHost(request, bound)) {
      response.writeHead(421, { 'content-type': 'text/plain' }).end(`${wrongHostMessage(bound)}\n`);
      return;
    }
    guard.proven(request);
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /metrics\n');
      return;
    }
    prometheusText(read()).then(
      (text) => {
        response.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(text);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`);
      },
    );
  });
  const guard = new LocalHttpGuard(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  bound = typeof address === 'object' && address !== null ? address.port : port;
  return {
    url: `http://127.0.0.1:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
