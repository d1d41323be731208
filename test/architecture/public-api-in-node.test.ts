/**
 * A node's process or thread resolves `launchpad-ts` to `src/index-in-node.ts` (the
 * `launchpad-ts-node` condition): it must export exactly the values `src/index.ts` does, and
 * the same ones, or a user's module that links in the launcher would fail to link in its
 * nodes. Only `launch` differs: in a node it refuses, naming the node.
 */
import { expect, it } from 'vitest';
import * as inLauncher from '../../src/index.ts';
import * as inNode from '../../src/index-in-node.ts';
import { runAsNode, type NodeRuntime } from '../../src/node/node-context.ts';
import { StopScope } from '../../src/node/stop-scope.ts';

it('exports the same values as the public API, the very same objects but launch', () => {
  expect(Object.keys(inNode).sort()).toEqual(Object.keys(inLauncher).sort());
  for (const [name, value] of Object.entries(inLauncher)) {
    if (name === 'launch') continue;
    expect(inNode[name as keyof typeof inNode], name).toBe(value);
  }
  expect(inNode.launch).not.toBe(inLauncher.launch);
});

it("refuses launch() in a node's code, naming the node and the program", () => {
  const runtime: NodeRuntime = {
    context: {
      nodeId: 'learner/0',
      label: 'learner',
      programName: 'outer',
      launchType: 'processes',
      workdir: '/tmp',
    },
    stop: new StopScope(() => undefined),
  };
  const program = new inNode.Program('inner');
  program.addNode(new inNode.FunctionNode(() => undefined), 'worker');
  let thrown: unknown;
  runAsNode(runtime, () => {
    try {
      inNode.launch(program);
    } catch (error) {
      thrown = error;
    }
  });
  expect(thrown).toBeInstanceOf(inNode.LaunchpadError);
  expect((thrown as inNode.LaunchpadError).code).toBe('FAILED_PRECONDITION');
  expect(String(thrown)).toContain(
    'launch() was called in node learner/0, which cannot launch program inner',
  );
});

/** What a node's own launch() said, under in-process. */
let nestedLaunch = 'nothing thrown';

/** A node that launches a program from its code. */
export function launchesInner(): void {
  try {
    inLauncher.launch(new inLauncher.Program('inner'));
  } catch (error) {
    nestedLaunch = String(error);
  }
}

it('refuses launch() from a node under in-process too, with the same message', async () => {
  const outer = new inLauncher.Program('outer');
  outer.addNode(new inLauncher.FunctionNode(launchesInner), 'worker');
  await inLauncher.launch(outer, { launchType: 'in-process' }).wait();
  expect(nestedLaunch).toContain(
    'launch() was called in node worker/0, which cannot launch program inner',
  );
});

it('says what launch() got when it is not a Program, in a node', () => {
  expect(() => inNode.launch(undefined as unknown as inNode.Program)).toThrow(
    'cannot launch undefined (launch() expects a Program)',
  );
});
