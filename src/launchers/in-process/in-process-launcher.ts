/**
 * @module
 * The `in-process` launcher (Launchpad's test_mt): every node in the caller's process.
 * Arguments and calls still go through the real serialization and the real TCP RPC, so
 * a program that works here works across processes.
 */
import { randomBytes } from 'node:crypto';
import { LaunchpadError } from '../../errors.ts';
import { deferred } from '../../internal/deferred.ts';
import { AddressBook } from '../../launch/address-book.ts';
import { checkNodeKeys, type ResolvedLaunchOptions } from '../../launch/launch-options.ts';
import { toWireArguments } from '../../launch/node-arguments.ts';
import { ProgramLifecycle } from '../../launch/program-lifecycle.ts';
import { resolveRestartPolicies } from '../../launch/restart-policy.ts';
import { RunningProgram } from '../../launch/running-program.ts';
import { Supervisor, type NodeUnit } from '../../launch/supervisor.ts';
import { createWorkdir } from '../../launch/workdir.ts';
import type { Program } from '../../program/program.ts';
import { decode, encode } from '../../rpc/codec.ts';
import { nodeError, runNode, type NodeHost } from '../../runtime/node-runner.ts';

/** Launches `program` inside this process. */
export function launchInProcess(program: Program, options: ResolvedLaunchOptions): RunningProgram {
  const nodes = program.nodes;
  // Validate every node's arguments before anything starts.
  const wireArgs = new Map(nodes.map((node) => [node.id, toWireArguments(node, program)]));
  const policies = resolveRestartPolicies(options.restart, nodes);
  checkNodeKeys('resources', options.resources, nodes);
  const ids = nodes.map((node) => node.id);
  const secret = randomBytes(16).toString('hex');
  const workdir = createWorkdir(program.name, options.workdir);
  const lifecycle = new ProgramLifecycle(program.name, ids);
  const book = new AddressBook(ids);
  const host: NodeHost = {
    secret,
    resolver: book,
    maxMessageBytes: options.maxMessageBytes,
    stop: lifecycle.stopScope,
    context: { programName: program.name, launchType: 'in-process', workdir },
    register: (nodeId, address) => {
      book.register(nodeId, address);
      lifecycle.nodeUp(nodeId);
      return Promise.resolve();
    },
  };
  const startNode = (nodeId: string): NodeUnit => {
    const node = program.node(nodeId);
    if (node === undefined) throw new Error(`No node ${nodeId}.`);
    let running = true;
    const abandoned = deferred<Error | undefined>();
    const ran = runNode(
      {
        id: node.id,
        label: node.label,
        kind: node.kind,
        code: node.code,
        // Encode and decode like any launcher would, so nodes get copies, never shared objects.
        args: decode(encode(wireArgs.get(nodeId))) as unknown[],
      },
      host,
    )
      .then(
        () => undefined,
        (error: unknown) => nodeError(error),
      )
      .finally(() => {
        running = false;
      });
    return {
      exited: Promise.race([ran, abandoned.promise]),
      get running() {
        return running;
      },
      // Code in this process cannot be killed: the node is abandoned (it may go on running
      // in the background) so that the program can end.
      kill: () => {
        abandoned.resolve(
          new LaunchpadError(
            'CANCELLED',
            `Node ${nodeId} did not stop within the grace period; in-process nodes cannot be killed, so it was abandoned.`,
          ),
        );
      },
    };
  };
  const supervisor = new Supervisor({
    lifecycle,
    book,
    policies,
    terminationGraceMs: options.terminationGraceMs,
    stderr: options.stderr,
    start: startNode,
    release: () => {
      if (supervisor.running.length > 0) {
        options.stderr.write(
          `launchpad-ts: in-process nodes cannot be killed; left running: ${supervisor.running.length}.\n`,
        );
      }
      return Promise.resolve();
    },
  });
  lifecycle.attach(supervisor);
  // Start on the next turn, so launch() returns before any node code runs.
  setImmediate(() => {
    if (!lifecycle.stopping) supervisor.startAll(ids);
  });
  return new RunningProgram({
    program,
    programName: program.name,
    launchType: 'in-process',
    workdir,
    lifecycle,
    rpc: { secret, resolver: book, maxMessageBytes: options.maxMessageBytes },
  });
}
