/**
 * @module
 * The `processes` launcher (Launchpad's local_mp): one OS process per node. The launcher
 * runs a control server; each node process connects to it for its spec, its peers'
 * addresses and the stop, and dies with it.
 */
import { randomBytes } from 'node:crypto';
import { LaunchpadError, RemoteError } from '../../errors.ts';
import { calledFromMainModule, mainModuleUrl } from '../../internal/call-site.ts';
import { settlesWithin } from '../../internal/within.ts';
import { AddressBook } from '../../launch/address-book.ts';
import { programFingerprint } from '../../launch/fingerprint.ts';
import type { ResolvedLaunchOptions } from '../../launch/launch-options.ts';
import { toWireArguments } from '../../launch/node-arguments.ts';
import { ProgramLifecycle } from '../../launch/program-lifecycle.ts';
import { RunningProgram } from '../../launch/running-program.ts';
import { createWorkdir } from '../../launch/workdir.ts';
import { serviceDispatch } from '../../nodes/service-dispatch.ts';
import type { Program } from '../../program/program.ts';
import { RpcServer } from '../../rpc/server.ts';
import { locateExport } from './code-location.ts';
import { ControlService } from './control-service.ts';
import { startNodeProcess, type NodeProcess } from './node-process.ts';
import type { CodeLocation, NodeSpec } from './node-spec.ts';

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
  let control: RpcServer | undefined;

  const killAll = (): void => {
    for (const { child } of processes.values()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
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
    const fingerprint = programFingerprint(program);
    const specs = new Map<string, NodeSpec>();
    for (const [index, node] of nodes.entries()) {
      const code: CodeLocation =
        entry !== undefined
          ? { strategy: 'entry', moduleUrl: entry }
          : await locateExport(node, program);
      specs.set(node.id, {
        programName: program.name,
        nodeId: node.id,
        label: node.label,
        kind: node.kind,
        codeName: node.codeName,
        fingerprint,
        code,
        args: wireArgs[index] ?? [],
        launchType: 'processes',
        workdir,
        maxMessageBytes: options.maxMessageBytes,
      });
    }
    const service = new ControlService(specs, book, lifecycle);
    control = await RpcServer.listen({
      secret,
      nodeId: 'launcher',
      dispatch: serviceDispatch(service, 'launcher'),
      maxMessageBytes: options.maxMessageBytes,
    });
    if (lifecycle.stopping) return;
    for (const [index, node] of nodes.entries()) {
      const nodeProcess = startNodeProcess({
        bootstrap: { controlAddress: control.address, secret, nodeId: node.id },
        index,
        args: entry !== undefined ? process.argv.slice(2) : [],
        stdout: options.stdout,
        stderr: options.stderr,
      });
      processes.set(node.id, nodeProcess);
      void nodeProcess.exited.then(({ code, signal }) => {
        book.unregister(node.id);
        const reported = service.reportedFailure(node.id);
        if (reported !== undefined) lifecycle.nodeEnded(node.id, new RemoteError(reported));
        else if (code === 0) lifecycle.nodeEnded(node.id);
        else {
          const how =
            signal !== null ? `was killed by ${signal}` : `exited with code ${String(code)}`;
          lifecycle.nodeEnded(
            node.id,
            new LaunchpadError('UNKNOWN', `The process of node ${node.id} ${how}.`),
          );
        }
      });
    }
  };

  lifecycle.attach({
    shutdown: async () => {
      const exits = [...processes.values()].map((p) => p.exited);
      const allExited = Promise.all(exits);
      if (!(await settlesWithin(allExited, options.terminationGraceMs))) {
        const left = [...processes].filter(
          ([, p]) => p.child.exitCode === null && p.child.signalCode === null,
        );
        options.stderr.write(
          `launchpad-ts: killing nodes that did not stop within ${options.terminationGraceMs} ms: ${left.map(([id]) => id).join(', ')}.\n`,
        );
        killAll();
        await allExited;
      }
      book.close(`program ${program.name} has stopped`);
      await control?.close();
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
