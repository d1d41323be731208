/**
 * @module
 * Starting one node process and following it to its end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nodePrefix, prefixLines } from './output-prefixer.ts';
import { BOOTSTRAP_VARIABLE, type ChildBootstrap } from '../../control/node-spec.ts';

const require = createRequire(import.meta.url);
// Node processes run TypeScript directly, like the launcher: tsx is loaded in each.
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;
const CHILD_ENTRY = fileURLToPath(new URL('../../control/child-entry.ts', import.meta.url));

/** How to start one node process. */
export interface NodeProcessOptions {
  /** How the process reaches the launcher. */
  readonly bootstrap: ChildBootstrap;
  /** The node's position in the program, to pick its colour. */
  readonly index: number;
  /** Command-line arguments passed on to the process (the launcher's own, for `entry`). */
  readonly args: readonly string[];
  /** Where its prefixed output goes. */
  readonly stdout: Writable;
  /** Where its prefixed error output goes. */
  readonly stderr: Writable;
}

/** A running node process. */
export interface NodeProcess {
  /** The OS process. */
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal that killed it) once output is drained. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the process for one node. */
export function startNodeProcess(options: NodeProcessOptions): NodeProcess {
  const { bootstrap } = options;
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CHILD_ENTRY, ...options.args], {
    env: { ...process.env, [BOOTSTRAP_VARIABLE]: JSON.stringify(bootstrap) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = nodePrefix(bootstrap.nodeId, options.index, options.stdout);
  const drained = Promise.all([
    prefixLines(child.stdout, options.stdout, prefix),
    prefixLines(child.stderr, options.stderr, prefix),
  ]);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      options.stderr.write(`${prefix} could not start: ${error.message}\n`);
      resolve({ code: 1, signal: null });
    });
    child.once('exit', (code, signal) => {
      // Report only once the output is copied, so a failure message comes after the logs.
      // A grandchild may hold the pipes open; do not wait for it beyond a moment.
      void Promise.race([drained, sleep(1_000)]).then(() => {
        resolve({ code, signal });
      });
    });
  });
  return { child, exited };
}
