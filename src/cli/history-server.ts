/**
 * @module
 * {@link loadServeHistory}: the dashboard's server of a past launch, loaded only by
 * `launchpad-ts dashboard`.
 */

/** A served history: its page's URL, and how to stop serving it. */
export interface ServedHistory {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the history in a launch's working directory, read-only. */
export type ServeHistory = (workdir: string, options: { port?: number }) => Promise<ServedHistory>;

/** The dashboard's server of a reopened launch, loaded with `import()` when asked for. */
export async function loadServeHistory(): Promise<ServeHistory> {
  const dashboard = await import('../launcher/dashboard/index.ts');
  return async (workdir, options) => {
    const server = await dashboard.serveHistory(dashboard.openHistory(workdir), options);
    return { url: server.pageUrl, close: () => server.close() };
  };
}
