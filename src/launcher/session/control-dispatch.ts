/**
 * @module
 * How the control server answers a call: only the methods of the {@link ControlProtocol},
 * each argument checked against a table before the service sees it, so a confused or
 * hostile node gets a clear refusal instead of reaching launcher-only code or corrupting
 * the launcher's state.
 */
import { LaunchpadError } from '../../errors/errors.ts';
import {
  arrayOf,
  boolean,
  type Check,
  integer,
  must,
  nonNegative,
  nullable,
  object,
  oneOf,
  ShapeError,
  string,
} from '../../internal/shape.ts';
import {
  CONTROL_METHODS,
  CONTROL_NODE_ID,
  type ControlProtocol,
} from '../../protocol/control-protocol.ts';
import type { Dispatch } from '../../rpc/server.ts';

const nodeId = string('a node id');

// A parameter added later: older callers (Python nodes) leave it out.
function optional(check: Check): Check {
  return (value, path) => {
    if (value !== undefined && value !== null) check(value, path);
  };
}
// A host name, IPv4 or bracketed IPv6 address, and a port: nothing else (no space, so
// no same-host route smuggled in as ` unix:…`, which only the `local` parameter sets).
const hostPort = string(
  'a host:port address',
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9]+)?\]):\d{1,5}$/,
);

const remoteErrorInfo = object(
  {
    name: string(),
    message: string(),
    stack: string(),
    nodeId,
    code: string('an error code'),
    via: arrayOf(nodeId),
  },
  ['name', 'message', 'stack', 'nodeId', 'code'],
);

/** Each method's parameters, in order: name and check. */
const PARAMETERS: Readonly<Record<keyof ControlProtocol, readonly (readonly [string, Check])[]>> = {
  spec: [['nodeId', nodeId]],
  register: [
    ['nodeId', nodeId],
    ['address', nullable(hostPort)],
    [
      'local',
      optional(
        object(
          {
            // A path with no line break; a host identity in hex (local-route.ts).
            path: string('an absolute socket path', /^\/[^\n]*$/),
            host: string('a host identity', /^[0-9a-f]+$/),
          },
          ['path', 'host'],
        ),
      ),
    ],
  ],
  lookup: [
    ['nodeId', nodeId],
    ['timeoutMs', nonNegative],
    ['withLocal', optional(boolean)],
  ],
  awaitStop: [],
  requestStop: [],
  reportFailure: [
    ['nodeId', nodeId],
    ['error', remoteErrorInfo],
  ],
  output: [
    ['nodeId', nodeId],
    ['stream', oneOf(['stdout', 'stderr'])],
    ['lines', arrayOf(string())],
  ],
  reportExit: [
    ['nodeId', nodeId],
    ['code', integer(0, 255)],
  ],
  reportMetrics: [
    [
      'report',
      must(
        'a metrics report naming its node',
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as { nodeId?: unknown }).nodeId === 'string',
      ),
    ],
  ],
  registerDiagnostics: [
    ['nodeId', nodeId],
    ['address', hostPort],
  ],
};

function isControlMethod(method: string): method is keyof ControlProtocol {
  return (CONTROL_METHODS as readonly string[]).includes(method);
}

/**
 * The dispatch of the control server: calls `service`'s protocol methods, and refuses
 * any other method name (`UNIMPLEMENTED`) and any argument of the wrong form
 * (`INVALID_ARGUMENT`, naming the method and the argument's path).
 */
export function controlDispatch(service: ControlProtocol): Dispatch {
  return (method, args) => {
    if (!isControlMethod(method)) {
      throw new LaunchpadError(
        'UNIMPLEMENTED',
        `Node ${CONTROL_NODE_ID} has no method "${method}". Its RPC methods are: ${[...CONTROL_METHODS].sort().join(', ')}.`,
      );
    }
    const parameters = PARAMETERS[method];
    if (!Array.isArray(args) || args.length > parameters.length) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Control call ${method}() takes ${String(parameters.length)} argument(s): ${parameters.map(([name]) => name).join(', ') || 'none'}.`,
      );
    }
    try {
      parameters.forEach(([name, check], index) => {
        check(args[index], name);
      });
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      throw new LaunchpadError('INVALID_ARGUMENT', `Control call ${method}(): ${error.message}`);
    }
    const fn: unknown = Reflect.get(service, method);
    if (typeof fn !== 'function') {
      throw new LaunchpadError('INTERNAL', `The control service lacks ${method}().`);
    }
    const result: unknown = Reflect.apply(fn, service, args);
    return result;
  };
}
