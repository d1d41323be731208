/**
 * @module
 * The `in-process` launcher (Launchpad's test_mt): every node in the caller's process.
 * Arguments and calls still go through the real serialization and the real TCP RPC, so
 * a program that works here works across processes.
 */
import { randomBytes } from 'node:crypto';
import { settlesWithin } from '../../internal/within.ts';
import { AddressBook } from '../../launch/address-book.ts';
import type { ResolvedLaunchOptions } from '../../launch/launch-options.ts';
import { toWireArguments } from '../../launch/node-arguments.ts';
import { ProgramLifecycle } from '../../launch/program-lifecycle.ts';
import { RunningProgram } from '../../launch/running-program.ts';
import { createWorkdir } from '../../launch/workdir.ts';
import type { Program } from '../../program/program.ts';
import { decode, encode } from '../../rpc/codec.ts';
import { nodeError, runNode, type NodeHost } from '../../runtime/node-runner.ts';

/** Launches `program` inside this process. */
export function launchInProcess(program: Program, options: ResolvedLaunchOptions): RunningProgram {
  const nodes = program.nodes;
  // Validate every node's arguments before anything starts.
  const wireArgs = nodes.map((node) => toWireArguments(node, program));
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
  const running = new Map<string, Promise<void>>();
  // Start on the next turn, so launch() returns before any node code runs.
  setImmediate(() => {
    nodes.forEach((node, index) => {
      const ended = runNode(
        {
          id: node.id,
          label: node.label,
          kind: node.kind,
          code: node.code,
          // Encode and decode like any launcher would, so nodes get copies, never shared objects.
          args: decode(encode(wireArgs[index])) as unknown[],
        },
        host,
      ).then(
        () => {
          book.unregister(node.id);
          lifecycle.nodeEnded(node.id);
        },
        (error: unknown) => {
          book.unregister(node.id);
          lifecycle.nodeEnded(node.id, nodeError(error));
        },
      );
      running.set(node.id, ended);
    });
  });
  lifecycle.attach({
    shutdown: async () => {
      if (
        !(await settlesWithin(Promise.allSettled(running.values()), options.terminationGraceMs))
      ) {
        options.stderr.write(
          `launchpad-ts: some nodes of ${program.name} did not end within ${options.terminationGraceMs} ms ` +
            'of the stop; in-process nodes cannot be killed, so they are left running.\n',
        );
      }
      book.close(`program ${program.name} has stopped`);
    },
  });
  return new RunningProgram({
    programName: program.name,
    launchType: 'in-process',
    workdir,
    lifecycle,
    rpc: { secret, resolver: book, maxMessageBytes: options.maxMessageBytes },
  });
}
