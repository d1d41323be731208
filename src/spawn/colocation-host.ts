/**
 * @module
 * The launcher's side of a colocation host: it starts the host process on first use,
 * starts and kills colocated nodes through it, and turns its reports into exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { ColocationKind } from '../model/colocation.ts';
import {
  HOST_VARIABLE,
  type HostCommand,
  type HostEvent,
  type HostSettings,
} from '../protocol/colocation-protocol.ts';
import { nodeProcessArgs } from './node-command.ts';
import { dyingWithParent } from './parent-death.ts';
import { killAll, waitUntilGone } from './process-gone.ts';
import { unitEndingWith, type Unit, type UnitExit, type UnitLaunch } from './unit.ts';
import type { DiagnosticsAnswer } from '../protocol/diagnostics.ts';

// How long a dead host's node processes may take to be gone before their exits are
// reported anyway; SIGKILL takes effect in far less.
const ORPHAN_LIMIT_MS = 5_000;

/** Where a host's own output goes: its lines already carry node prefixes. */
export interface HostOutput {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Write node output to files in this directory instead. */
  readonly logDirectory?: string;
}

/** One colocation's host process. */
export class ColocationHost {
  /** Threads of the host, or child processes of it. */
  readonly kind: ColocationKind;
  readonly #output: HostOutput;
  readonly #exits = new Map<string, (exit: UnitExit) => void>();
  // The pids of the host's node processes that have not exited.
  readonly #pids = new Map<string, number>();
  #process: ChildProcess | undefined;
  readonly #diagnoses = new Map<number, (answer: DiagnosticsAnswer) => void>();
  #nextRequest = 0;

  /**
   * @param kind - threads or child processes
   * @param output - where the host's output goes
   */
  constructor(kind: ColocationKind, output: HostOutput) {
    this.kind = kind;
    this.#output = output;
  }

  /** Starts one colocated node in the host (starting the host first if needed). */
  start(unit: UnitLaunch): Unit {
    const host = this.#ensureHost();
    let running = true;
    const exited = new Promise<UnitExit>((resolve) => {
      this.#exits.set(unit.nodeId, (exit) => {
        running = false;
        resolve(exit);
      });
    });
    this.#send(host, { type: 'start', unit });
    return unitEndingWith(
      exited,
      () => {
        this.#send(host, { type: 'kill', nodeId: unit.nodeId });
      },
      () => running,
    );
  }

  /**
   * Asks the host for a stack dump or CPU profile of its node thread `nodeId`: the host's
   * main thread inspects it (node code never runs there, so it answers while the node is
   * blocked).
   */
  diagnose(nodeId: string, op: 'stack' | 'profile', durationMs = 0): Promise<DiagnosticsAnswer> {
    const host = this.#process;
    if (!isRunning(host) || !host.connected) {
      return Promise.resolve({ error: `the colocation host of node ${nodeId} is not running` });
    }
    const requestId = ++this.#nextRequest;
    return new Promise((resolve) => {
      this.#diagnoses.set(requestId, resolve);
      this.#send(host, { type: 'diagnose', requestId, nodeId, op, durationMs });
    });
  }

  /** Ends the host and whatever still runs in it; resolves once it has exited. */
  async close(): Promise<void> {
    const host = this.#process;
    if (!isRunning(host)) return;
    const exited = new Promise((resolve) => host.once('exit', resolve));
    host.kill('SIGKILL');
    await exited;
  }

  // The host is gone, but its node processes may still be running (and serving) for a
  // moment: a node is reported as ended only once its process is gone, so that a new
  // instance never serves beside the old one.
  async #hostExited(exit: UnitExit): Promise<void> {
    const exits = [...this.#exits.values()];
    this.#exits.clear();
    const pids = [...this.#pids.values()];
    this.#pids.clear();
    killAll(pids);
    const left = await waitUntilGone(pids, ORPHAN_LIMIT_MS);
    if (left.length > 0) {
      this.#output.stderr.write(
        `launchpad-ts: node processes ${left.join(', ')} of a dead colocation host are still running.\n`,
      );
    }
    for (const resolve of exits) resolve(exit);
  }

  #send(host: ChildProcess, command: HostCommand): void {
    if (host.connected) host.send(command);
  }

  #ensureHost(): ChildProcess {
    if (isRunning(this.#process)) return this.#process;
    const settings: HostSettings = {
      kind: this.kind,
      colour: (this.#output.stdout as { isTTY?: boolean }).isTTY === true,
      ...(this.#output.logDirectory === undefined
        ? {}
        : { logDirectory: this.#output.logDirectory }),
      parentPid: process.pid,
    };
    const { command, args } = dyingWithParent(
      process.execPath,
      nodeProcessArgs([], [], 'node/colocation-entry'),
    );
    const host = spawn(command, args, {
      env: { ...process.env, [HOST_VARIABLE]: JSON.stringify(settings) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    host.stdout?.pipe(this.#output.stdout, { end: false });
    host.stderr?.pipe(this.#output.stderr, { end: false });
    host.on('message', (event: HostEvent) => {
      if (event.type === 'started') {
        this.#pids.set(event.nodeId, event.pid);
        return;
      }
      if (event.type === 'diagnosis') {
        this.#diagnoses.get(event.requestId)?.(event.answer);
        this.#diagnoses.delete(event.requestId);
        return;
      }
      this.#pids.delete(event.nodeId);
      this.#exits.get(event.nodeId)?.(event.exit);
      this.#exits.delete(event.nodeId);
    });
    host.once('exit', (code, signal) => {
      for (const resolve of this.#diagnoses.values()) {
        resolve({ error: 'the colocation host exited before it answered' });
      }
      this.#diagnoses.clear();
      void this.#hostExited(
        code === 0 && signal === null ? { code: null, signal: 'SIGKILL' } : { code, signal },
      );
    });
    this.#process = host;
    return host;
  }
}

function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child?.exitCode === null && child.signalCode === null;
}
