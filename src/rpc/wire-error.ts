/**
 * @module
 * Conversion between thrown values and the error info that travels in ERROR frames.
 */
import {
  describeThrown,
  LaunchpadError,
  RemoteError,
  type RemoteErrorInfo,
} from '../errors/errors.ts';
import { mapNodeBundleFrames } from '../internal/node-bundle-frames.ts';

/**
 * Describes a thrown value for the wire, attributing it to `nodeId`. A {@link RemoteError}
 * that `nodeId` lets escape keeps its origin and its own message, and gains `nodeId` at
 * the end of its `via` chain, so it is never prefixed twice.
 */
export function toRemoteErrorInfo(thrown: unknown, nodeId: string): RemoteErrorInfo {
  if (thrown instanceof RemoteError) {
    return {
      name: thrown.remoteName,
      message: thrown.remoteMessage,
      stack: thrown.remoteStack,
      nodeId: thrown.nodeId,
      code: thrown.code,
      via: [...thrown.via, nodeId],
    };
  }
  if (thrown instanceof Error) {
    return {
      name: thrown.name,
      message: thrown.message,
      // A stack that code set to something else than a string reads as the error's header.
      stack:
        typeof thrown.stack === 'string'
          ? mapNodeBundleFrames(thrown.stack)
          : `${thrown.name}: ${thrown.message}`,
      nodeId,
      code: thrown instanceof LaunchpadError ? thrown.code : 'UNKNOWN',
    };
  }
  const message = `A non-Error value was thrown: ${describeThrown(thrown)}`;
  return { name: 'Error', message, stack: message, nodeId, code: 'UNKNOWN' };
}

/**
 * Rebuilds the caller-side error: a {@link RemoteError} for user exceptions, a plain
 * {@link LaunchpadError} for the RPC layer's own errors (unknown method, oversize message).
 */
export function fromRemoteErrorInfo(info: RemoteErrorInfo): LaunchpadError {
  if (info.code !== 'UNKNOWN' && info.name === 'LaunchpadError') {
    return new LaunchpadError(info.code, info.message);
  }
  return new RemoteError(info);
}
