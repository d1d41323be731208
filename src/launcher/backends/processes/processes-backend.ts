/**
 * @module
 * The `processes` backend (Launchpad's local_mp): one OS process per node, each reaching
 * the launcher's control plane for its spec, its peers' addresses and the stop, and
 * dying with the launcher. Output goes to the terminal (prefixed), to files, or to tmux.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { nodeProcessArgs } from '../../../spawn/node-command.ts';
import { BOOTSTRAP_FILE_VARIABLE } from '../../../protocol/node-spec.ts';
import type { SessionBackend, UnitStart } from '../../session/launch-session.ts';
import { unitEndingWith, type Unit } from '../../../spawn/unit.ts';
import type { LaunchSetup } from '../../session/launch-setup.ts';
import { startNodeProcess, type ProcessOutput } from '../../../spawn/node-process.ts';
import { TmuxSession } from './tmux-session.ts';
import { ColocationHost } from '../../../spawn/colocation-host.ts';
import type { DiagnosticsTarget } from '../../session/node-diagnostics.ts';
import { nodeLogFile } from '../../../protocol/colocation-protocol.ts';
import { thrownMessage } from '../../../errors/thrown.ts';

/** The backend that runs each of `setup`'s nodes in a process of its own. */
export function processesBackend(setup: LaunchSetup): SessionBackend {
  const { program, options } = setup;
  let logDirectory = '';
  let tmux: TmuxSession | undefined;
  // One host process per colocation, started with its first node.
  const hosts = new Map<string, ColocationHost>();
  const colocations = program.colocations.map((colocation, index) => ({
    ...colocation,
    key: String(index),
  }));
  const hostFor = (nodeId: string): ColocationHost | undefined => {
    const colocation = colocations.find(({ nodeIds }) => nodeIds.includes(nodeId));
    if (colocation === undefined) return undefined;
    let host = hosts.get(colocation.key);
    if (host === undefined) {
      host = new ColocationHost(colocation.kind, {
        stdout: options.stdout,
        stderr: options.stderr,
        ...(options.output === 'output-to-files' ? { logDirectory } : {}),
      });
      hosts.set(colocation.key, host);
    }
    return host;
  };
  const backend: SessionBackend = {
    // Node processes run on this host: they boot while their code compiles.
    startsBeforeCompile: true,
    // Every node runs on this host: callers reach it over its Unix socket.
    controlPlane: { unixSockets: true },
    prepare: ({ workdir }) => {
      if (options.output === 'output-to-files') {
        logDirectory = join(workdir, 'logs');
        mkdirSync(logDirectory, { recursive: true });
        options.stderr.write(`launchpad-ts: node output goes to ${logDirectory}\n`);
      } else if (options.output === 'tmux') {
        const name = `${program.name.replace(/[^A-Za-z0-9_-]/g, '_')}-${process.pid}-${Date.now().toString(36)}`;
        tmux = new TmuxSession(name, workdir);
        options.stderr.write(
          `launchpad-ts: nodes run in tmux; attach with: ${tmux.attachCommand}\n`,
        );
      }
      return Promise.resolve();
    },
    start: (unit) => {
      const host = hostFor(unit.nodeId);
      if (host !== undefined) {
        // A node process of a host says itself where its diagnostics thread is; a node
        // thread is inspected by its host.
        if (host.kind === 'threads')
          setup.diagnostics.set(unit.nodeId, hostedThread(host, unit.nodeId));
        return host.start(unit);
      }
      return tmux === undefined
        ? startProcess(unit, outputFor(unit))
        : startInTmux(tmux, unit, options.stderr);
    },
    release: async () => {
      await Promise.all([...hosts.values()].map((host) => host.close()));
      await tmux?.close();
    },
  };
  return backend;

  function outputFor(unit: UnitStart): ProcessOutput {
    return options.output === 'output-to-files'
      ? { mode: 'file', path: nodeLogFile(logDirectory, unit.nodeId) }
      : { mode: 'terminal', stdout: options.stdout, stderr: options.stderr, index: unit.index };
  }
}

function hostedThread(host: ColocationHost, nodeId: string): DiagnosticsTarget {
  const answered = async (op: 'stack' | 'profile', durationMs?: number) => {
    const answer = await host.diagnose(nodeId, op, durationMs);
    if ('error' in answer) throw new Error(answer.error);
    return answer;
  };
  return {
    thread: 'a worker thread of its colocation host',
    stack: async () => {
      const answer = await answered('stack');
      if ('stack' in answer) return answer.stack;
      throw new Error('the host answered with no stack');
    },
    profile: async (durationMs) => {
      const answer = await answered('profile', durationMs);
      if ('profile' in answer) return answer.profile;
      throw new Error('the host answered with no profile');
    },
  };
}

function startProcess(unit: UnitStart, output: ProcessOutput): Unit {
  return startNodeProcess({
    bootstrap: unit.bootstrap,
    args: unit.args,
    resources: unit.resources,
    output,
  });
}

function startInTmux(tmux: TmuxSession, unit: UnitStart, stderr: Writable): Unit {
  const window = tmux.startWindow(unit.nodeId, {
    argv: [process.execPath, ...nodeProcessArgs(unit.resources.nodeFlags ?? [], unit.args)],
    env: unit.resources.env ?? {},
    privateData: { variable: BOOTSTRAP_FILE_VARIABLE, content: JSON.stringify(unit.bootstrap) },
    cwd: unit.resources.cwd ?? process.cwd(),
  });
  const exited = window
    .then((started) => started.exited)
    .catch((error: unknown) => {
      stderr.write(
        `launchpad-ts: could not open a tmux window for ${unit.nodeId}: ${thrownMessage(error)}\n`,
      );
      return { code: 1, signal: null };
    });
  return unitEndingWith(exited, () => {
    window.then(
      (started) => {
        started.kill();
      },
      () => undefined,
    );
  });
}
