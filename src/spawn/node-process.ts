/**
 * @module
 * Starting one node process with its resources, its output sent to the launcher's
 * terminal (prefixed) or to a log file, and following it to its end.
 */
import { childProcess } from '../internal/lazy-builtins.ts';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { nodeProcessArgs } from './node-command.ts';
import { BOOTSTRAP_FD, BOOTSTRAP_FD_VARIABLE, type ChildBootstrap } from '../protocol/node-spec.ts';
import { dyingWithParent } from './parent-death.ts';
import type { LocalResources } from '../protocol/local-resources.ts';
import { nodePrefix, prefixLines } from './output-prefixer.ts';
import type { ProcessCommand } from './python-command.ts';
import { unitEndingWith, type Unit, type UnitExit } from './unit.ts';

/** Where a node process's output goes. */
export type ProcessOutput =
  | {
      readonly mode: 'terminal';
      readonly stdout: Writable;
      readonly stderr: Writable;
      readonly index: number;
      /** Colour the prefix. @default whether `stdout` is a terminal */
      readonly colour?: boolean;
    }
  | { readonly mode: 'file'; readonly path: string };

/** How to start one node process. */
export interface NodeProcessOptions {
  /** How the process reaches the launcher. */
  readonly bootstrap: ChildBootstrap;
  /** Command-line arguments passed on to the process (the launcher's own, for `entry`). */
  readonly args: readonly string[];
  /** Environment, Node flags and working directory. */
  readonly resources: LocalResources;
  /** Where its output goes. */
  readonly output: ProcessOutput;
  /**
   * What to run instead of a Node.js node process (a Python node's interpreter); it
   * receives its bootstrap the same way, on descriptor 3.
   */
  readonly command?: ProcessCommand;
}

/** A running node process: a unit with its OS process id. */
export interface NodeProcess extends Unit {
  /** The OS process id. */
  readonly pid: number | undefined;
}

/** Starts the process for one node. */
export function startNodeProcess(options: NodeProcessOptions): NodeProcess {
  const { bootstrap, resources, output } = options;
  const logFd = output.mode === 'file' ? openSync(output.path, 'a') : undefined;
  const own = options.command;
  const { command, args, killedWithParent } = dyingWithParent(
    own?.command ?? process.execPath,
    own?.args ?? nodeProcessArgs(resources.nodeFlags ?? [], options.args),
  );
  // The bootstrap (with the secret) goes through a pipe, not the environment, which
  // /proc/<pid>/environ would show for the life of the process.
  const child = childProcess().spawn(command, args, {
    env: {
      ...process.env,
      ...resources.env,
      ...own?.env,
      [BOOTSTRAP_FD_VARIABLE]: String(BOOTSTRAP_FD),
    },
    stdio: ['ignore', logFd ?? 'pipe', logFd ?? 'pipe', 'pipe'],
    ...(resources.cwd === undefined ? {} : { cwd: resources.cwd }),
  });
  if (logFd !== undefined) closeSync(logFd);
  const bootstrapPipe = child.stdio[BOOTSTRAP_FD] as Writable | null | undefined;
  // A process that died at once closes the pipe: that is reported as its exit, not here.
  bootstrapPipe?.on('error', () => undefined);
  const sent: ChildBootstrap = {
    ...bootstrap,
    parentPid: process.pid,
    ...(killedWithParent ? { killedWithParent } : {}),
  };
  bootstrapPipe?.end(JSON.stringify(sent));
  let drained: Promise<unknown> = Promise.resolve();
  // With output to a file, what the starter has to say about the node goes there too.
  let report = (message: string): void => {
    if (output.mode === 'file') appendFileSync(output.path, `launchpad-ts: ${message}\n`);
  };
  if (output.mode === 'terminal' && child.stdout !== null && child.stderr !== null) {
    const prefix = nodePrefix(bootstrap.nodeId, output.index, output.stdout, output.colour);
    drained = Promise.all([
      prefixLines(child.stdout, output.stdout, prefix),
      prefixLines(child.stderr, output.stderr, prefix),
    ]);
    report = (message) => output.stderr.write(`${prefix} ${message}\n`);
  }
  let failedToStart = false;
  const exited = new Promise<UnitExit>((resolve) => {
    child.once('error', (error) => {
      failedToStart = true;
      report(`could not start: ${error.message}`);
      resolve({ code: 1, signal: null });
    });
    child.once('exit', (code, signal) => {
      // Report only once the output is copied, so a failure message comes after the logs;
      // a grandchild may hold the pipes open, so do not wait for it beyond a moment.
      void Promise.race([drained, sleep(1_000)]).then(() => {
        resolve({ code, signal });
      });
    });
  });
  const unit = unitEndingWith(
    exited,
    () => child.kill('SIGKILL'),
    // Not running from its exit on, while its last output is still being copied.
    () => !failedToStart && child.exitCode === null && child.signalCode === null,
  );
  return Object.assign(unit, { pid: child.pid });
}
