/**
 * @module
 * {@link loadServeHistory}: the dashboard's server of a past launch, loaded only by
 * `launchpad-ts dashboard`.
 */
import { CliError } from './cli-error.ts';

/** A served history: its page's URL, and how to stop serving it. */
export interface ServedHistory {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the history in a launch's working directory, read-only. */
export type ServeHistory = (workdir: string, options: { port?: number }) => Promise<ServedHistory>;

/**
 * The dashboard's `serveHistory`.
 *
 * @throws CliError while this build has no dashboard
 */
export function loadServeHistory(): Promise<ServeHistory> {
  // The dashboard (src/launcher/dashboard/) is not part of this build yet. Once it is, this
  // body becomes: return import('../launcher/dashboard/index.ts').then((m) => m.serveHistory);
  return Promise.reject(
    new CliError(
      'launchpad-ts dashboard is not available in this build: it has no dashboard server to reopen a past launch with.',
    ),
  );
}
