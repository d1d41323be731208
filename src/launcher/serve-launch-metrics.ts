/**
 * @module
 * Serves a launch's `/metrics` for as long as the program runs, and prints its URL.
 */
import type { Writable } from 'node:stream';
import type { ProgramMetrics } from './metrics/metrics-store.ts';
import type { ProgramLifecycle } from './session/program-lifecycle.ts';
import { thrownMessage } from '../errors/thrown.ts';

/**
 * Starts the `/metrics` server (loading prom-client only now), prints its URL on
 * `stderr`, and closes it when the program ends. Resolves with the URL; a server that
 * cannot listen (port taken) fails the launch.
 */
export function serveLaunchMetrics(
  port: number,
  read: () => ProgramMetrics,
  lifecycle: ProgramLifecycle,
  stderr: Writable,
): Promise<string> {
  const serving = import('./metrics/metrics-server.ts').then(({ serveMetrics }) =>
    serveMetrics(port, read),
  );
  serving.then(
    (server) => {
      stderr.write(`launchpad-ts: metrics at ${server.url}\n`);
      void lifecycle.done
        .catch(() => undefined)
        .finally(() => {
          void server.close();
        });
    },
    (error: unknown) => {
      lifecycle.fail(
        new Error(`Cannot serve /metrics on 127.0.0.1:${port}: ${thrownMessage(error)}`),
      );
    },
  );
  const url = serving.then((server) => server.url);
  // Whoever asks for the URL sees a failure; nobody has to ask.
  url.catch(() => undefined);
  return url;
}
