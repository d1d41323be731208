/**
 * @module
 * The `processes` launcher (Launchpad's local_mp): one OS process per node, each reaching
 * the launcher's control plane for its spec, its peers' addresses and the stop, and
 * dying with the launcher.
 */
import { randomBytes } from 'node:crypto';
import { startControlPlane, type ControlPlane } from '../../control/control-plane.ts';
import { calledFromMainModule, mainModuleUrl } from '../../internal/call-site.ts';
import { settlesWithin } from '../../internal/within.ts';
import { AddressBook } from '../../launch/address-book.ts';
import type { ResolvedLaunchOptions } from '../../launch/launch-options.ts';
import { toWireArguments } from '../../launch/node-arguments.ts';
import { ProgramLifecycle } from '../../launch/program-lifecycle.ts';
import { RunningProgram } from '../../launch/running-program.ts';
import { createWorkdir } from '../../launch/workdir.ts';
import type { Program } from '../../program/program.ts';
import { startNodeProcess, type NodeProcess } from './node-process.ts';

/** Launches `program` with one process per node. */
export function launchProcesses(program: Program, options: ResolvedLaunchOptions): RunningProgram {
  const nodes = program.nodes;
  const wireArgs = nodes.map((node) => toWireArguments(node, program));
  const entry = calledFromMainModule() ? mainModuleUrl() : undefined;
  const ids = nodes.map((node) => node.id);
  const secret = randomBytes(16).toString('hex');
  const workdir = createWorkdir(program.name, options.workdir);
  const lifecycle = new ProgramLifecycle(program.name, ids);
  const book = new AddressBook(ids);
  const processes = new Map<string, NodeProcess>();
  let plane: ControlPlane | undefined;

  const isRunning = ({ child }: NodeProcess): boolean =>
    child.exitCode === null && child.signalCode === null;
  const killAll = (): void => {
    for (const nodeProcess of processes.values()) {
      if (isRunning(nodeProcess)) nodeProcess.child.kill('SIGKILL');
    }
  };
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      options.stderr.write(
        'launchpad-ts: stopping the program (Ctrl-C again to kill it at once).\n',
      );
      void lifecycle.stop();
    } else {
      killAll();
    }
  };
  const onTerminate = (): void => {
    void lifecycle.stop();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  // Last resort: whatever ends the launcher's process takes the node processes with it.
  process.on('exit', killAll);

  const start = async (): Promise<void> => {
    const started = await startControlPlane({
      program,
      wireArgs,
      entry,
      launchType: 'processes',
      workdir,
      lifecycle,
      book,
      secret,
      maxMessageBytes: options.maxMessageBytes,
    });
    plane = started;
    if (lifecycle.stopping) return;
    for (const [index, node] of nodes.entries()) {
      const nodeProcess = startNodeProcess({
        bootstrap: started.bootstrap(node.id),
        index,
        // The entry strategy re-runs the main script, which must see the same flags.
        args: entry !== undefined ? process.argv.slice(2) : [],
        stdout: options.stdout,
        stderr: options.stderr,
      });
      processes.set(node.id, nodeProcess);
      void nodeProcess.exited.then((exit) => {
        book.unregister(node.id);
        lifecycle.nodeEnded(node.id, started.exitError(node.id, exit));
      });
    }
  };

  lifecycle.attach({
    shutdown: async () => {
      const allExited = Promise.all([...processes.values()].map((p) => p.exited));
      if (!(await settlesWithin(allExited, options.terminationGraceMs))) {
        const left = [...processes].filter(([, p]) => isRunning(p)).map(([id]) => id);
        options.stderr.write(
          `launchpad-ts: killing nodes that did not stop within ${options.terminationGraceMs} ms: ${left.join(', ')}.\n`,
        );
        killAll();
        await allExited;
      }
      book.close(`program ${program.name} has stopped`);
      await plane?.close();
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      process.off('exit', killAll);
    },
  });
  start().catch((error: unknown) => {
    lifecycle.fail(error instanceof Error ? error : new Error(String(error)));
  });
  return new RunningProgram({
    programName: program.name,
    launchType: 'processes',
    workdir,
    lifecycle,
    rpc: { secret, resolver: book, maxMessageBytes: options.maxMessageBytes },
  });
}
