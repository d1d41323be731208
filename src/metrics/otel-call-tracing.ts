/**
 * @module
 * {@link CallTracing} on OpenTelemetry: spans from the global tracer provider, trace
 * context through the global propagator, both as the node's own code registered them
 * (an SDK's `provider.register()` sets the W3C propagator and an AsyncLocalStorage
 * context manager). `load-call-tracing.ts` loads this module, and `@opentelemetry/api`
 * beside it, when tracing is on, and never otherwise. The package comes as an argument
 * and its types alone are imported here: a module bundled into the node's one file (see
 * `scripts/bundle.ts`) that imported a package would load it with the file, in every
 * node, traced or not.
 */
import type * as OtelApi from '@opentelemetry/api';
import type { Attributes, Span, TextMapGetter } from '@opentelemetry/api';
import type { CallTracing, ClientCallSpan, ServerCallSpan, TraceCarrier } from './call-tracing.ts';

/** The instrumentation scope name of every span launchpad-ts makes. */
export const TRACER_NAME = 'launchpad-ts';

/** The `rpc.system` attribute of every span. */
export const RPC_SYSTEM = 'launchpad';

// Reads only string headers from a frame's carrier: the frame came over the wire, so a
// value of another type is ignored rather than trusted.
const carrierGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = Object.hasOwn(carrier, key) ? carrier[key] : undefined;
    return typeof value === 'string' ? value : undefined;
  },
};

/** The `@opentelemetry/api` package, as `import()` gives it. */
export type OpenTelemetryApi = typeof OtelApi;

/**
 * Traces the calls of the node `nodeId` (or of the launcher): a CLIENT span per call it
 * makes, a SERVER span per call it handles, each named `<callee node>/<method>`.
 *
 * @param api - the loaded `@opentelemetry/api` package
 */
export function createCallTracing(api: OpenTelemetryApi, nodeId: string): CallTracing {
  const { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } = api;
  const tracer = trace.getTracer(TRACER_NAME);
  return {
    client(callee: string, method: string): ClientCallSpan {
      const span = tracer.startSpan(`${callee}/${method}`, {
        kind: SpanKind.CLIENT,
        attributes: attributes(method, callee, nodeId, callee),
      });
      const carrier: TraceCarrier = {};
      propagation.inject(trace.setSpan(context.active(), span), carrier);
      return {
        // A propagator that writes nothing (none registered) adds nothing to the frame.
        carrier: Object.keys(carrier).length === 0 ? undefined : carrier,
        end: (code, message) => {
          endSpan(span, SpanStatusCode.ERROR, code, message);
        },
      };
    },
    server(method: string, carrier: unknown, caller: string | undefined): ServerCallSpan {
      const parent =
        typeof carrier === 'object' && carrier !== null && !Array.isArray(carrier)
          ? propagation.extract(ROOT_CONTEXT, carrier as Record<string, unknown>, carrierGetter)
          : ROOT_CONTEXT;
      const span = tracer.startSpan(
        `${nodeId}/${method}`,
        { kind: SpanKind.SERVER, attributes: attributes(method, nodeId, nodeId, caller) },
        parent,
      );
      const active = trace.setSpan(parent, span);
      return {
        run: (handler) => context.with(active, handler),
        end: (code, message) => {
          endSpan(span, SpanStatusCode.ERROR, code, message);
        },
      };
    },
  };
}

function attributes(
  method: string,
  service: string,
  node: string,
  peer: string | undefined,
): Attributes {
  return {
    'rpc.system': RPC_SYSTEM,
    'rpc.service': service,
    'rpc.method': method,
    'launchpad.node.id': node,
    ...(peer === undefined ? {} : { 'launchpad.peer.node.id': peer }),
  };
}

function endSpan(
  span: Span,
  errorStatus: OtelApi.SpanStatusCode,
  code: string | undefined,
  message: string | undefined,
): void {
  span.setAttribute('launchpad.status_code', code ?? 'OK');
  if (code !== undefined) {
    span.setStatus({
      code: errorStatus,
      message: message === undefined ? code : `${code}: ${message}`,
    });
  }
  span.end();
}
