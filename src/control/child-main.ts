/**
 * @module
 * The life of a node process: reach the launcher, fetch the node's spec, load its code,
 * run it, report how it ended, and exit. A lost launcher ends the process at once, so no
 * node outlives its launcher.
 */
import { readFileSync, rmSync } from 'node:fs';
import { LaunchpadError } from '../errors.ts';
import { setChildLaunchHook } from '../launch/child-hook.ts';
import { fingerprintDifference, programFingerprint } from '../launch/fingerprint.ts';
import { ProgramLifecycle } from '../launch/program-lifecycle.ts';
import type { LaunchType } from '../launch/launch-type.ts';
import { RunningProgram } from '../launch/running-program.ts';
import type { NodeCode } from '../program/node.ts';
import type { Program } from '../program/program.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../rpc/codec.ts';
import { PeerPool } from '../rpc/peer-pool.ts';
import type { AddressResolver } from '../rpc/resolver.ts';
import { RpcClient } from '../rpc/rpc-client.ts';
import { toRemoteErrorInfo } from '../rpc/wire-error.ts';
import { setProcessNode } from '../runtime/node-context.ts';
import { runNode } from '../runtime/node-runner.ts';
import { StopScope } from '../runtime/stop-scope.ts';
import { watchParent } from './parent-watchdog.ts';
import { PortConnector } from './port-connector.ts';
import {
  BOOTSTRAP_FILE_VARIABLE,
  BOOTSTRAP_VARIABLE,
  type ChildBootstrap,
  type NodeSpec,
} from './node-spec.ts';
import { forwardOutput } from './output-forwarder.ts';

function readBootstrap(): ChildBootstrap {
  const file = process.env[BOOTSTRAP_FILE_VARIABLE];
  const raw = file === undefined ? process.env[BOOTSTRAP_VARIABLE] : readFileSync(file, 'utf8');
  // The secret must not leak into processes the node itself starts, nor stay on disk.
  Reflect.deleteProperty(process.env, BOOTSTRAP_VARIABLE);
  Reflect.deleteProperty(process.env, BOOTSTRAP_FILE_VARIABLE);
  if (file !== undefined) rmSync(file, { force: true });
  if (raw === undefined) {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `This script is started by launchpad-ts for one node; ${BOOTSTRAP_VARIABLE} is not set.`,
    );
  }
  return JSON.parse(raw) as ChildBootstrap;
}

function exitNow(message: string): never {
  process.stderr.write(`launchpad-ts: ${message}\n`);
  process.exit(1);
}

/** Runs the node this process was started for, then exits the process. */
export async function runChild(): Promise<void> {
  const bootstrap = readBootstrap();
  // A launcher killed outright (SIGKILL) cannot say goodbye; a busy node would not notice
  // its closed connection either, so a separate thread watches the parent process.
  watchParent();
  // Ctrl-C in a terminal reaches every process of the group; the launcher coordinates the
  // stop, so a node process ignores SIGINT and waits to be told.
  process.on('SIGINT', () => undefined);
  const controlResolver: AddressResolver = {
    resolve: () => Promise.resolve(bootstrap.controlAddress),
  };
  const pool = new PeerPool({
    secret: bootstrap.secret,
    callerId: bootstrap.nodeId,
    resolver: controlResolver,
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  });
  const control = new RpcClient(pool.peer('launcher'), { connectTimeoutMs: 2_000 });
  const forwarder =
    bootstrap.forwardOutput === true
      ? forwardOutput((stream, lines) => control.call('output', [bootstrap.nodeId, stream, lines]))
      : undefined;
  // A launcher that cannot watch this process learns how it ended before it exits.
  const exit = async (code: number): Promise<never> => {
    await forwarder?.flush();
    if (bootstrap.reportExit === true) {
      await control
        .call('reportExit', [bootstrap.nodeId, code], { timeoutMs: 5_000 })
        .catch(() => undefined);
    }
    process.exit(code);
  };
  let spec: NodeSpec;
  try {
    spec = (await control.call('spec', [bootstrap.nodeId])) as NodeSpec;
  } catch (error) {
    exitNow(`node ${bootstrap.nodeId} cannot reach its launcher (${String(error)}); exiting.`);
  }
  const stop = new StopScope(() => {
    control.call('requestStop', []).catch(() => undefined);
  });
  // The long poll doubles as the launcher's heartbeat: if it fails, the launcher is gone.
  control.call('awaitStop', []).then(
    () => {
      stop.fire();
    },
    () => {
      exitNow(`node ${spec.nodeId} lost its launcher; exiting.`);
    },
  );
  process.on('SIGTERM', () => {
    stop.fire();
  });
  const context = {
    programName: spec.programName,
    launchType: spec.launchType,
    workdir: spec.workdir,
  };
  setProcessNode({ context: { ...context, nodeId: spec.nodeId, label: spec.label }, stop });
  const resolver: AddressResolver = {
    resolve: async (nodeId, timeoutMs) =>
      (await control.call('lookup', [nodeId, timeoutMs], {
        timeoutMs: timeoutMs + 5_000,
      })) as string,
  };
  try {
    const code = await loadCode(spec, control, bootstrap.secret);
    await runNode(
      { id: spec.nodeId, label: spec.label, kind: spec.kind, code, args: spec.args },
      {
        secret: bootstrap.secret,
        resolver,
        maxMessageBytes: spec.maxMessageBytes,
        stop,
        context,
        ...(spec.bindHost === undefined ? {} : { bindHost: spec.bindHost }),
        ...(spec.advertiseHost === undefined ? {} : { advertiseHost: spec.advertiseHost }),
        ...(bootstrap.ports === true ? { ports: new PortConnector() } : {}),
        register: async (nodeId, address) => {
          await control.call('register', [nodeId, address ?? null]);
        },
      },
    );
  } catch (error) {
    await control
      .call('reportFailure', [spec.nodeId, toRemoteErrorInfo(error, spec.nodeId)], {
        timeoutMs: 5_000,
      })
      .catch(() => undefined);
    await exit(1);
  }
  await exit(0);
}

async function loadCode(spec: NodeSpec, control: RpcClient, secret: string): Promise<NodeCode> {
  if (spec.code.strategy === 'export') {
    const namespace = (await import(spec.code.moduleUrl)) as Record<string, unknown>;
    const code = namespace[spec.code.exportName];
    if (typeof code !== 'function') {
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        `Export ${spec.code.exportName} of ${spec.code.moduleUrl} is not a class or function in node ${spec.nodeId}'s process.`,
      );
    }
    return code as NodeCode;
  }
  const entry = spec.code.moduleUrl;
  return new Promise<NodeCode>((resolve, reject) => {
    setChildLaunchHook((program) => {
      if (program.name !== spec.programName) {
        // The script launches several programs; this one runs in other processes.
        return finishedRunningProgram(program, spec);
      }
      try {
        resolve(pickNode(program, spec));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
      return idleRunningProgram(program, spec, { control, secret });
    });
    import(entry).then(
      () => {
        reject(
          new LaunchpadError(
            'FAILED_PRECONDITION',
            `Node ${spec.nodeId}'s process ran ${entry} but it never called launch() for program ${spec.programName}; ` +
              'launch the program unconditionally from the main script.',
          ),
        );
      },
      (error: unknown) => {
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function pickNode(program: Program, spec: NodeSpec): NodeCode {
  const difference = fingerprintDifference(spec.fingerprint, programFingerprint(program));
  if (difference !== undefined) {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `The program rebuilt in node ${spec.nodeId}'s process differs from the launcher's (${difference}). ` +
        'A node process re-runs the main script with the same arguments, so the program must be built ' +
        'the same way every time: do not depend on randomness, time, or per-process state when adding nodes.',
    );
  }
  const node = program.node(spec.nodeId);
  if (node === undefined)
    throw new LaunchpadError('INTERNAL', `No node ${spec.nodeId} after a matching fingerprint.`);
  return node.code;
}

// In a node process, the entry module's launch() must not launch again; it gets a program
// handle that never finishes, so the module's own code after launch() stays suspended.
function idleRunningProgram(
  program: Program,
  spec: NodeSpec,
  launcher: { control: RpcClient; secret: string },
): RunningProgram {
  const { control, secret } = launcher;
  // Never marked up or ended: ready and wait() stay pending in this process.
  const lifecycle = new ProgramLifecycle(program.name, ['(the launcher runs this program)']);
  return localView(program, spec, lifecycle, {
    secret,
    resolver: {
      resolve: async (nodeId, timeoutMs) =>
        (await control.call('lookup', [nodeId, timeoutMs])) as string,
    },
  });
}

// Another program of the same script, seen from one of this program's node processes: its
// wait() resolves at once so the script goes on to launch the program this node is in.
function finishedRunningProgram(program: Program, spec: NodeSpec): RunningProgram {
  const lifecycle = new ProgramLifecycle(program.name, []);
  void lifecycle.stop();
  return localView(program, spec, lifecycle, {
    secret: '',
    resolver: { resolve: () => Promise.reject(new Error(`${program.name} runs elsewhere.`)) },
  });
}

// A RunningProgram for code of the entry module that runs in a node process.
function localView(
  program: Program,
  spec: NodeSpec,
  lifecycle: ProgramLifecycle,
  rpc: { secret: string; resolver: AddressResolver },
): RunningProgram {
  return new RunningProgram({
    program,
    programName: program.name,
    launchType: spec.launchType as LaunchType,
    workdir: spec.workdir,
    lifecycle,
    rpc: { ...rpc, maxMessageBytes: spec.maxMessageBytes },
  });
}
