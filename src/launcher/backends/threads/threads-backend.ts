/**
 * @module
 * The `threads` backend (Launchpad's local_mt): every node in its own worker thread of
 * the launcher's process; the main thread supervises. Nodes reach each other and the
 * launcher through the same control plane and RPC as node processes.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { nodeLogFile } from '../../../protocol/colocation-protocol.ts';
import { startNodeThread } from '../../../spawn/node-thread.ts';
import { PortBroker } from '../../session/port-broker.ts';
import type { Worker } from 'node:worker_threads';
import type { SessionBackend } from '../../session/launch-session.ts';
import type { Unit } from '../../../spawn/unit.ts';
import type { LaunchSetup } from '../../session/launch-setup.ts';
import { WorkerInspector } from '../../../spawn/worker-inspector.ts';
import { isPythonNode } from '../../../model/python-node.ts';

/** The backend that runs each of `setup`'s nodes in a worker thread. */
export function threadsBackend(setup: LaunchSetup): SessionBackend {
  const { options } = setup;
  let logDirectory: string | undefined;
  let broker: PortBroker | undefined;
  // A node's helper thread would reach this process's main thread, not the node's:
  // the launcher inspects its worker threads itself.
  const inspector = new WorkerInspector();
  const usePorts = !setup.program.nodes.some(isPythonNode);
  return {
    // Node threads run here: they boot while their code compiles.
    startsBeforeCompile: true,
    prepare: ({ workdir, book }) => {
      broker = new PortBroker(book);
      if (options.output === 'output-to-files') {
        logDirectory = join(workdir, 'logs');
        mkdirSync(logDirectory, { recursive: true });
        options.stderr.write(`launchpad-ts: node output goes to ${logDirectory}\n`);
      }
      return Promise.resolve();
    },
    start: (launch) => {
      // Nodes in threads of one process talk over MessagePorts the broker hands out; a
      // program with Python nodes (processes, reached over TCP) talks over TCP throughout.
      const unit = usePorts
        ? { ...launch, bootstrap: { ...launch.bootstrap, ports: true } }
        : launch;
      const attach = (worker: Worker): void => {
        broker?.attach(unit.nodeId, worker);
        const { threadId } = worker;
        setup.diagnostics.set(unit.nodeId, {
          thread: `worker thread ${String(threadId)} of the launcher's process ${String(process.pid)}`,
          stack: () => inspector.stack(threadId),
          profile: (durationMs) => inspector.profile(threadId, durationMs),
        });
      };
      if (logDirectory === undefined) return startNodeThread(unit, options, attach);
      const log = createWriteStream(nodeLogFile(logDirectory, unit.nodeId), { flags: 'a' });
      return closingLog(
        startNodeThread(unit, { stdout: log, stderr: log, colour: false }, attach),
        log,
      );
    },
  };
}

function closingLog(unit: Unit, log: WriteStream): Unit {
  void unit.exited.finally(() => log.end());
  return unit;
}
