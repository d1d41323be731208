/**
 * @module
 * Preparing a node's arguments for the wire: handles become {@link HandleRef}s, and any
 * value that cannot cross a process boundary is refused with its path, before anything
 * starts. In the node, {@link resolveHandleRefs} turns the refs into clients.
 */
import { LaunchpadError } from '../../errors/errors.ts';
import { Handle, handleOwner } from '../../model/handle.ts';
import type { Node } from '../../model/node.ts';
import type { Program } from '../../model/program.ts';
import { HandleRef } from '../../rpc/handle-ref.ts';
import {
  NOT_REPLACED,
  toWireValue,
  WIRE_DATA,
  WireValueProblem,
  type WireRules,
} from '../../rpc/wire-value.ts';

/**
 * The node's arguments with handles replaced by refs.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the node and the argument's path when an
 * argument is a function, symbol, class instance, Promise, client, circular, or a handle
 * of another program
 */
export function toWireArguments(node: Node, program: Program): unknown[] {
  const rules: WireRules = {
    replace: (value, refuse) => {
      if (!(value instanceof Handle)) return NOT_REPLACED;
      if (handleOwner(value) !== program)
        refuse(`is a handle to ${value.nodeId} of another program`);
      const { signal: _signal, ...options } = value.options;
      return new HandleRef(value.nodeId, options);
    },
  };
  return node.args.map((arg, index) => {
    try {
      return toWireValue(arg, `args[${index}]`, rules);
    } catch (error) {
      if (!(error instanceof WireValueProblem)) throw error;
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Node ${node.id} (${node.codeName}): argument ${error.path} ${error.problem}. Node ` +
          `arguments must be ${WIRE_DATA}, or handles, because they are sent to where the ` +
          'node runs; build other objects inside the node instead.',
      );
    }
  });
}
