/**
 * @module
 * What the `launchpad-ts` CLI uses of the dashboard: reopening a past launch from its
 * working directory and serving it read-only, and the launch registry. Not part of the
 * package's public API (`src/index.ts`); nothing here loads unless imported.
 */
import { randomBytes } from 'node:crypto';
import { serveLaunchApi, type LaunchApiServer } from './api-server.ts';
import type { HistoryView } from './history-view.ts';

export { openHistory, type HistoryView } from './history-view.ts';
export type { LaunchApiServer } from './api-server.ts';
export type { LaunchRecord } from './launch-record.ts';
export {
  launchesDirectory,
  stateDirectory,
  REGISTRY_LIMIT,
  writeLaunchRecord,
} from './launch-registry.ts';
export type {
  GraphView,
  LaunchEvent,
  LaunchInfo,
  LaunchOutcome,
  LaunchView,
  MetricsSample,
  NodeRow,
} from './launch-view.ts';
export type { LogLine } from './log-tail.ts';
export { historyDirectory, historyPaths } from './history-files.ts';

/**
 * Serves a reopened history (see {@link openHistory}) with the same API and page as a
 * running launch, read-only: its POST routes answer 409. The page's URL (with a fresh
 * token) is `pageUrl`; close the server when done.
 *
 * @param options.port - the port on 127.0.0.1 (0, the default: any free one)
 * @param options.token - the token to require (default: a new random one)
 */
export function serveHistory(
  history: HistoryView,
  options: { readonly port?: number; readonly token?: string } = {},
): Promise<LaunchApiServer> {
  return serveLaunchApi({
    view: history,
    token: options.token ?? randomBytes(24).toString('base64url'),
    actions: undefined,
    port: options.port ?? 0,
  });
}
