/**
 * @module
 * Loading call tracing when it is on. `@opentelemetry/api` is an optional peer
 * dependency: a program that never traces never installs it, and no process of a launch
 * without tracing loads it.
 */
import { LaunchpadError } from '../errors/errors.ts';
import type { CallTracing } from './call-tracing.ts';
import { isMissingPackage } from '../errors/thrown.ts';

const API_PACKAGE = '@opentelemetry/api';

/** Loads the module that implements tracing on `@opentelemetry/api`. */
export type TracingModuleLoader = () => Promise<{
  createCallTracing(nodeId: string): CallTracing;
}>;

// The package is imported here, by name, and never by a module the node's one file holds
// (see `otel-call-tracing.ts`).
const loadOtelModule: TracingModuleLoader = async () => {
  const [api, otel] = await Promise.all([
    import('@opentelemetry/api'),
    import('./otel-call-tracing.ts'),
  ]);
  return { createCallTracing: (nodeId) => otel.createCallTracing(api, nodeId) };
};

/**
 * The tracing of node `nodeId`'s calls (or of `launcher`'s).
 *
 * @param load - how the OpenTelemetry module is loaded (tests give a failing one)
 * @throws LaunchpadError `FAILED_PRECONDITION` naming the package to install when
 * `@opentelemetry/api` is missing
 */
export async function loadCallTracing(
  nodeId: string,
  load: TracingModuleLoader = loadOtelModule,
): Promise<CallTracing> {
  try {
    return (await load()).createCallTracing(nodeId);
  } catch (error) {
    if (isMissingPackage(error, API_PACKAGE)) {
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `Tracing is on (launch option \`tracing\` or LP_TRACING=1), but ${nodeId} cannot load ` +
          `the package ${API_PACKAGE}, which is not installed. Install it beside ` +
          `launchpad-ts (npm i ${API_PACKAGE}@^1.9), with an OpenTelemetry SDK to export ` +
          'the spans, or turn tracing off.',
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * A {@link CallTracing} usable at once that traces through `loading` once it has loaded,
 * for the launcher, whose clients exist before the module does. Nodes start only after
 * it has loaded, and a call is sent only once its callee is up, so no call escapes it.
 */
export function tracingOnceLoaded(loading: Promise<CallTracing>): CallTracing {
  let loaded: CallTracing | undefined;
  loading.then(
    (tracing) => {
      loaded = tracing;
    },
    () => undefined, // the launch fails with that error; nothing is traced
  );
  return {
    client: (callee, method) => loaded?.client(callee, method) ?? UNTRACED,
    server: (method, carrier, caller) => loaded?.server(method, carrier, caller) ?? UNTRACED,
  };
}

const UNTRACED = {
  carrier: undefined,
  run: <T>(handler: () => T): T => handler(),
  end: (): void => undefined,
};
