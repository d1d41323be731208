/**
 * @module
 * The main of a colocation host: one OS process that runs several nodes as its worker
 * threads or child processes, on the launcher's command, and reports their exits. It
 * lives exactly as long as its launcher: a lost IPC channel kills its nodes and itself.
 */
import { createWriteStream } from 'node:fs';
import { LaunchpadError } from '../errors/errors.ts';
import {
  HOST_VARIABLE,
  nodeLogFile,
  type HostCommand,
  type HostEvent,
  type HostSettings,
} from '../protocol/colocation-protocol.ts';
import { hostSettingsShape } from '../protocol/bootstrap-shapes.ts';
import { startNodeProcess, type NodeProcess } from '../spawn/node-process.ts';
import { takeFromEnvironment } from './bootstrap-decoder.ts';
import { startNodeThread } from '../spawn/node-thread.ts';
import type { Unit, UnitLaunch } from '../spawn/unit.ts';
import { WorkerInspector } from '../spawn/worker-inspector.ts';
import type { DiagnosticsAnswer } from '../protocol/diagnostics.ts';
import { thrownMessage } from '../errors/thrown.ts';

function readSettings(): HostSettings {
  if (process.send === undefined) {
    Reflect.deleteProperty(process.env, HOST_VARIABLE);
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      'A colocation host is started by launchpad-ts with an IPC channel.',
    );
  }
  const settings = takeFromEnvironment<HostSettings>(
    HOST_VARIABLE,
    hostSettingsShape,
    'as a colocation host',
  );
  // The launcher died while this host was loading: its nodes must not start.
  if (process.ppid !== settings.parentPid) process.exit(1);
  return settings;
}

/**
 * Starts one node as the host's process (whose pid the launcher is told) or thread
 * (whose thread id `onThread` is told, for the host to inspect it).
 */
function start(
  settings: HostSettings,
  unit: UnitLaunch,
  onThread: (threadId: number) => void,
): Unit | NodeProcess {
  const logFile =
    settings.logDirectory === undefined
      ? undefined
      : nodeLogFile(settings.logDirectory, unit.nodeId);
  if (settings.kind === 'processes') {
    return startNodeProcess({
      bootstrap: unit.bootstrap,
      args: unit.args,
      resources: unit.resources,
      output:
        logFile === undefined
          ? {
              mode: 'terminal',
              stdout: process.stdout,
              stderr: process.stderr,
              index: unit.index,
              colour: settings.colour,
            }
          : { mode: 'file', path: logFile },
    });
  }
  const target = logFile === undefined ? undefined : createWriteStream(logFile, { flags: 'a' });
  const started = startNodeThread(
    unit,
    {
      stdout: target ?? process.stdout,
      stderr: target ?? process.stderr,
      colour: settings.colour && target === undefined,
    },
    (worker) => {
      onThread(worker.threadId);
    },
  );
  // Each run has its own log stream: close it with the run.
  void started.exited.finally(() => target?.end());
  return started;
}

// A node thread of this host, inspected from this (main) thread, which node code never
// blocks.
async function diagnose(
  inspector: WorkerInspector,
  unit: Unit | undefined,
  threadId: number | undefined,
  command: Extract<HostCommand, { type: 'diagnose' }>,
): Promise<DiagnosticsAnswer> {
  // A thread id outlives its run: only a running unit's is inspected.
  const thread = unit?.running === true ? threadId : undefined;
  if (thread === undefined)
    return { error: `node ${command.nodeId} runs in no thread of this host` };
  try {
    return command.op === 'stack'
      ? { stack: await inspector.stack(thread) }
      : { profile: await inspector.profile(thread, command.durationMs) };
  } catch (error) {
    return { error: thrownMessage(error) };
  }
}

/** Serves the launcher's commands until the launcher goes away. */
export function runColocationHost(): void {
  const settings = readSettings();
  const units = new Map<string, Unit | NodeProcess>();
  // The thread of each node run as one, through which the host inspects it.
  const threads = new Map<string, number>();
  const send = (event: HostEvent): void => {
    process.send?.(event);
  };
  // Ctrl-C reaches every process of the terminal's group; the launcher coordinates.
  process.on('SIGINT', () => undefined);
  const inspector = new WorkerInspector();
  process.on('message', (command: HostCommand) => {
    if (command.type === 'diagnose') {
      const { nodeId } = command;
      void diagnose(inspector, units.get(nodeId), threads.get(nodeId), command).then((answer) => {
        send({ type: 'diagnosis', requestId: command.requestId, answer });
      });
      return;
    }
    if (command.type === 'kill') {
      units.get(command.nodeId)?.kill();
      return;
    }
    let unit: Unit | NodeProcess;
    try {
      unit = start(settings, command.unit, (threadId) => {
        threads.set(command.unit.nodeId, threadId);
      });
    } catch (error) {
      process.stderr.write(`[${command.unit.nodeId}] could not start: ${String(error)}\n`);
      send({ type: 'exited', nodeId: command.unit.nodeId, exit: { code: 1, signal: null } });
      return;
    }
    units.set(command.unit.nodeId, unit);
    if ('pid' in unit && unit.pid !== undefined)
      send({ type: 'started', nodeId: command.unit.nodeId, pid: unit.pid });
    void unit.exited.then((exit) => {
      send({ type: 'exited', nodeId: command.unit.nodeId, exit });
    });
  });
  process.on('disconnect', () => {
    for (const unit of units.values()) unit.kill();
    process.exit(1);
  });
}
