/**
 * @module
 * A cluster task that runs a Python node: Node.js starts the interpreter as its child
 * (`python -u -m launchpad_ts`, killed with this process), hands it its bootstrap on a
 * pipe, passes its output on (forwarded to the launcher when the bootstrap asks, through
 * the same forwarder as a Node.js node's), passes SIGTERM on, and reports the child's
 * exit code to the launcher when it cannot watch the task itself. A child that cannot
 * start is reported as the node's failure, saying what to install on that host.
 */
import { childProcess } from '../internal/lazy-builtins.ts';
import { hostname } from 'node:os';
import type { Writable } from 'node:stream';
import { BOOTSTRAP_FD, BOOTSTRAP_FD_VARIABLE, type ChildBootstrap } from '../protocol/node-spec.ts';
import { dyingWithParent } from '../spawn/parent-death.ts';
import { pythonNodeCommand } from '../spawn/python-command.ts';
import { linkToLauncher } from './launcher-link.ts';

// 128 + the signal's number, as a shell reports a process a signal ended.
const SIGNAL_EXIT: Readonly<Partial<Record<NodeJS.Signals, number>>> = {
  SIGKILL: 137,
  SIGTERM: 143,
  SIGINT: 130,
};

/** Runs `bootstrap`'s Python node with `interpreter`; resolves with its exit code. */
export async function runPythonTask(
  bootstrap: ChildBootstrap,
  interpreter: string,
): Promise<number> {
  const { nodeId } = bootstrap;
  const { pool, briefly, forwarder } = linkToLauncher(bootstrap);
  const { command, args, env } = pythonNodeCommand(interpreter, process.env['PYTHONPATH']);
  const wrapped = dyingWithParent(command, args);
  const child = childProcess().spawn(wrapped.command, wrapped.args, {
    env: { ...process.env, ...env, [BOOTSTRAP_FD_VARIABLE]: String(BOOTSTRAP_FD) },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  // The child reports its own failures; this task forwards output and reports the exit.
  const { forwardOutput: _forward, reportExit: _report, ...own } = bootstrap;
  const pipe = child.stdio[BOOTSTRAP_FD] as Writable | null | undefined;
  pipe?.on('error', () => undefined);
  pipe?.end(
    JSON.stringify({
      ...own,
      parentPid: process.pid,
      ...(wrapped.killedWithParent ? { killedWithParent: true } : {}),
    }),
  );
  child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const code = await new Promise<number>((resolve) => {
    child.once('error', (error) => {
      const message =
        `Node ${nodeId} on host ${hostname()} could not start the Python interpreter "${interpreter}": ` +
        `${error.message}. Install Python ≥ 3.10 with numpy there, or pick the interpreter with --lp_python.`;
      process.stderr.write(`launchpad-ts: ${message}\n`);
      void briefly
        .reportFailure(nodeId, {
          name: 'Error',
          message,
          stack: message,
          nodeId,
          code: 'FAILED_PRECONDITION',
        })
        .catch(() => undefined)
        .finally(() => {
          resolve(1);
        });
    });
    child.once('close', (exitCode, signal) => {
      resolve(exitCode ?? (signal === null ? 1 : (SIGNAL_EXIT[signal] ?? 1)));
    });
  });
  await forwarder?.flush();
  if (bootstrap.reportExit === true) {
    await briefly.reportExit(nodeId, code).catch(() => undefined);
  }
  pool.close();
  return code;
}
