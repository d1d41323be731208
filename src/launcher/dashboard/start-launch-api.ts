/**
 * @module
 * The one call `launch()` makes to serve its launch API (and the dashboard page): every
 * launch serves it, on 127.0.0.1 behind a per-launch token. Only this small file and the
 * output tap load with `launch()`; the server, the history and the registry load with
 * `import()` once a launch starts, so a node process, which never launches, never loads
 * them.
 */
import type { Writable } from 'node:stream';
import type { LaunchSetup } from '../session/launch-setup.ts';
import type { RunningProgram } from '../session/running-program.ts';
import type { OutputTap } from './output-tap.ts';
import { thrownMessage } from '../../errors/thrown.ts';

/** What the launch API needs of a launch. */
export interface LaunchApiContext {
  readonly setup: LaunchSetup;
  /** The launch's `RunningProgram`. */
  readonly running: RunningProgram;
  /** Node output, tapped from the launch's streams. */
  readonly tap: OutputTap;
  /** The port to serve on (0: any); the page's URL is printed only when `print` is set. */
  readonly port: number;
  /** Print the page's URL (the `dashboard` option or `--lp_dashboard`). */
  readonly print: boolean;
  /** Where the URL is printed. */
  readonly stderr: Writable;
}

/** The launch API's URLs, once it listens. */
export interface LaunchApiUrls {
  /** The dashboard page's URL, token included. */
  readonly dashboardUrl: Promise<string>;
}

/**
 * Starts serving the launch API in the background; a server that cannot listen fails the
 * launch, naming the port.
 */
export function startLaunchApi(context: LaunchApiContext): LaunchApiUrls {
  const serving = import('./launch-api.ts').then(({ runLaunchApi }) => runLaunchApi(context));
  serving.catch((error: unknown) => {
    context.setup.lifecycle.fail(
      new Error(
        `Cannot serve the launch API (dashboard) on 127.0.0.1:${String(context.port)}: ${thrownMessage(error)}`,
      ),
    );
  });
  const dashboardUrl = serving.then((urls) => urls.pageUrl);
  // Whoever asks for the URL sees a failure; nobody has to ask.
  dashboardUrl.catch(() => undefined);
  return { dashboardUrl };
}
