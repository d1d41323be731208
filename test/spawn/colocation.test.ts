/**
 * Colocation: nodes that share a process, as threads or as child processes of one parent,
 * keep their ids and handles and call each other as before.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as lp from 'launchpad-ts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Actor, Learner, makeColocatedProgram, waitForReports } from '../fixtures/colocation.ts';
import { isAlive } from '../helpers/scripts.ts';
import { expectColocated } from '../helpers/colocation-checks.ts';

describe('colocation', () => {
  it('returns one typed handle per colocated node, with ordinary ids', () => {
    const program = new lp.Program('handles');
    const learner = program.addNode(new lp.ServiceNode(Learner), 'learner');
    const handles = program.addNode(
      new lp.ThreadColocation([new lp.ServiceNode(Actor, learner), new lp.ServiceNode(Learner)]),
      'pair',
    );
    expectTypeOf(handles).toEqualTypeOf<readonly [lp.Handle<Actor>, lp.Handle<Learner>]>();
    expect(handles.map((handle) => handle.nodeId)).toEqual(['pair/0', 'pair/1']);
    expect(program.colocations).toEqual([{ kind: 'threads', nodeIds: ['pair/0', 'pair/1'] }]);
  });

  it('refuses an empty colocation and nodes already in a program', () => {
    expect(() => new lp.ThreadColocation([])).toThrow(/non-empty array of nodes/);
    // Colocations do not nest, and a class is not a node: each is named, with what to do.
    const inner = new lp.ThreadColocation([new lp.ServiceNode(Learner)]);
    expect(() => new lp.ProcessColocation([inner as never])).toThrow(
      'Element 0 of this ProcessColocation is a ThreadColocation: colocations do not nest.',
    );
    expect(() => new lp.ThreadColocation([new lp.ServiceNode(Learner), Learner as never])).toThrow(
      'Element 1 of this ThreadColocation is a function, not a node; give it nodes such as',
    );
    const program = new lp.Program('twice');
    const node = new lp.ServiceNode(Learner);
    program.addNode(node, 'learner');
    expect(() => new lp.ProcessColocation([node])).toThrow(
      /Node learner\/0 is already in a program/,
    );
  });

  it('under processes, runs thread-colocated nodes in one process and process-colocated ones under one parent', async () => {
    const { program, learner } = makeColocatedProgram();
    const running = lp.launch(program, { launchType: 'processes' });
    try {
      const seen = await waitForReports(running.client(learner));
      const [threadA, , forkA, forkB] = expectColocated(seen);
      // Neither host is the launcher itself.
      expect(forkA.parentPid).not.toBe(process.pid);
      expect(threadA.pid).not.toBe(process.pid);
      await running.stop();
      await running.wait();
      for (const where of [threadA, forkA, forkB]) expect(isAlive(where.pid)).toBe(false);
      expect(isAlive(forkA.parentPid)).toBe(false);
    } finally {
      await running.stop();
    }
  });

  it('restarts a colocated node on its own, keeping its host', async () => {
    const { program, learner } = makeColocatedProgram();
    const running = lp.launch(program, {
      launchType: 'processes',
      restart: { forked: { mode: 'on-failure', backoffMs: 10 } },
    });
    try {
      const seen = await waitForReports(running.client(learner));
      process.kill(seen['forked/1']!.pid, 'SIGKILL');
      // The new instance reports itself once it is up: wait for a report from another pid.
      let again = await running.client(learner).seen();
      while (again['forked/1']!.pid === seen['forked/1']!.pid) {
        await sleep(50);
        again = await running.client(learner).seen();
      }
      expect(running.nodes().get('forked/1')).toEqual({ state: 'running', restarts: 1 });
      expect(again['forked/1']!.parentPid).toBe(seen['forked/1']!.parentPid);
      expect(running.nodes().get('forked/0')).toEqual({ state: 'running', restarts: 0 });
    } finally {
      await running.stop();
    }
  });

  it.each(['in-process', 'threads'] as const)(
    'has no effect under %s, where nodes share a process anyway',
    async (launchType) => {
      const { program, learner } = makeColocatedProgram();
      await using running = lp.launch(program, { launchType });
      const seen = await waitForReports(running.client(learner));
      expect(new Set(Object.values(seen).map((where) => where.pid))).toEqual(
        new Set([process.pid]),
      );
    },
  );
});
