/**
 * @module
 * The `in-process` backend (Launchpad's test_mt): every node in the caller's process.
 * Arguments and calls still go through the real serialization and the real TCP RPC, so
 * a program that works here works across processes.
 */
import { LaunchpadError } from '../../../errors/errors.ts';
import { deferred } from '../../../internal/deferred.ts';
import type { LaunchSetup } from '../../session/launch-setup.ts';
import type { SessionBackend } from '../../session/launch-session.ts';
import { unitEndingWith, type Unit, type UnitEnd } from '../../../spawn/unit.ts';
import { decode, encode } from '../../../rpc/codec.ts';
import { locateAllExports } from '../../session/code-location.ts';
import { nodeError, runNode, type NodeHost } from '../../../node/node-runner.ts';

/** The backend that runs `setup`'s nodes inside this process. */
export function inProcessBackend(setup: LaunchSetup): SessionBackend {
  const { program, options, ids, secret, workdir, lifecycle, book } = setup;
  const wireArgs = new Map(ids.map((id, index) => [id, setup.wireArgs[index]]));
  const host: NodeHost = {
    secret,
    resolver: book,
    maxMessageBytes: options.maxMessageBytes,
    stop: lifecycle.stopScope,
    context: { programName: program.name, launchType: 'in-process', workdir },
    tracing: options.tracing,
    // The launcher's own store, called directly: no control plane in-process.
    ...(setup.metrics === undefined
      ? {}
      : {
          metrics: {
            intervalMs: setup.metrics.intervalMs,
            send: (report) => {
              setup.metrics?.apply(report);
              return Promise.resolve();
            },
          },
        }),
    register: (nodeId, address) => {
      book.register(nodeId, address);
      lifecycle.nodeUp(nodeId);
      return Promise.resolve();
    },
  };
  const units = new Set<Unit<UnitEnd>>();
  return {
    controlPlane: false,
    // Nothing is imported here, but what processes would refuse is refused here too.
    prepare: async () => {
      await locateAllExports(program, setup.entry);
    },
    // A Python node is a process of its own even here, and restarts like one.
    restartRefusal: (nodeId) =>
      program.nodes.find((node) => node.id === nodeId)?.kind === 'python'
        ? undefined
        : "in-process nodes run in the launcher's own process and cannot be ended alone; launch under threads or processes to restart one",
    start: ({ node, nodeId }) => {
      let running = true;
      const abandoned = deferred<Error | undefined>();
      const ran = runNode(
        {
          id: node.id,
          label: node.label,
          kind: node.kind,
          code: node.code,
          // Encode and decode like any launcher would, so nodes get copies, never shared objects.
          args: decode(encode(wireArgs.get(nodeId))) as unknown[],
        },
        host,
      )
        .then(
          () => undefined,
          (error: unknown) => nodeError(error),
        )
        .finally(() => {
          running = false;
        });
      // Code in this process cannot be killed: the node is abandoned (it may go on running
      // in the background, and counts as running) so that the program can end.
      const unit = unitEndingWith<UnitEnd>(
        Promise.race([ran, abandoned.promise]).then((error) => ({ error })),
        () => {
          abandoned.resolve(
            new LaunchpadError(
              'CANCELLED',
              `Node ${nodeId} did not stop within the grace period; in-process nodes cannot be killed, so it was abandoned.`,
            ),
          );
        },
        () => running,
      );
      units.add(unit);
      return unit;
    },
    release: () => {
      const left = [...units].filter((unit) => unit.running).length;
      if (left > 0) {
        options.stderr.write(
          `launchpad-ts: in-process nodes cannot be killed; left running: ${String(left)}.\n`,
        );
      }
      return Promise.resolve();
    },
  };
}
