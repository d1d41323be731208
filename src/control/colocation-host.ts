/**
 * @module
 * The launcher's side of a colocation host: it starts the host process on first use,
 * starts and kills colocated nodes through it, and turns its reports into exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { ColocationKind } from '../nodes/colocation.ts';
import {
  HOST_VARIABLE,
  type HostCommand,
  type HostEvent,
  type HostSettings,
} from './colocation-protocol.ts';
import { nodeProcessArgs } from './node-command.ts';
import type { StartedUnit, UnitExit, UnitLaunch } from './supervised-launch.ts';

/** Where a host's own output goes: its lines already carry node prefixes. */
export interface HostOutput {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Write node output to files in this directory instead. */
  readonly logDirectory?: string;
}

/** One colocation's host process. */
export class ColocationHost {
  readonly #kind: ColocationKind;
  readonly #output: HostOutput;
  readonly #exits = new Map<string, (exit: UnitExit) => void>();
  #process: ChildProcess | undefined;

  /**
   * @param kind - threads or child processes
   * @param output - where the host's output goes
   */
  constructor(kind: ColocationKind, output: HostOutput) {
    this.#kind = kind;
    this.#output = output;
  }

  /** Starts one colocated node in the host (starting the host first if needed). */
  start(unit: UnitLaunch): StartedUnit {
    const host = this.#ensureHost();
    let running = true;
    const exited = new Promise<UnitExit>((resolve) => {
      this.#exits.set(unit.nodeId, (exit) => {
        running = false;
        resolve(exit);
      });
    });
    this.#send(host, { type: 'start', unit });
    return {
      exited,
      get running() {
        return running;
      },
      kill: () => {
        this.#send(host, { type: 'kill', nodeId: unit.nodeId });
      },
    };
  }

  /** Ends the host and whatever still runs in it; resolves once it has exited. */
  async close(): Promise<void> {
    const host = this.#process;
    if (!isRunning(host)) return;
    const exited = new Promise((resolve) => host.once('exit', resolve));
    host.kill('SIGKILL');
    await exited;
  }

  #send(host: ChildProcess, command: HostCommand): void {
    if (host.connected) host.send(command);
  }

  #ensureHost(): ChildProcess {
    if (isRunning(this.#process)) return this.#process;
    const settings: HostSettings = {
      kind: this.#kind,
      colour: (this.#output.stdout as { isTTY?: boolean }).isTTY === true,
      ...(this.#output.logDirectory === undefined
        ? {}
        : { logDirectory: this.#output.logDirectory }),
    };
    const host = spawn(process.execPath, nodeProcessArgs([], [], 'control/colocation-entry'), {
      env: { ...process.env, [HOST_VARIABLE]: JSON.stringify(settings) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    host.stdout?.pipe(this.#output.stdout, { end: false });
    host.stderr?.pipe(this.#output.stderr, { end: false });
    host.on('message', (event: HostEvent) => {
      this.#exits.get(event.nodeId)?.(event.exit);
      this.#exits.delete(event.nodeId);
    });
    host.once('exit', (code, signal) => {
      // The host is gone: so is every node it still ran.
      const exit =
        code === 0 && signal === null ? { code: null, signal: 'SIGKILL' } : { code, signal };
      for (const resolve of this.#exits.values()) resolve(exit);
      this.#exits.clear();
    });
    this.#process = host;
    return host;
  }
}

function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child?.exitCode === null && child.signalCode === null;
}
