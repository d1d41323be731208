/**
 * Stack dumps of colocated nodes under `processes`: a thread of a colocation host is
 * inspected by its host, a child process of a host by its own diagnostics thread.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { Idle, Spinner } from '../../fixtures/spinning.ts';
import { isAlive } from '../../helpers/scripts.ts';
import { dumpNaming } from '../../helpers/stack-dumps.ts';

describe('stack dumps of colocated nodes', () => {
  it('show a blocked node in a thread colocation and in a process colocation', async () => {
    const program = new lp.Program('colocated-diagnosed');
    const [threadSpinner] = program.addNode(
      new lp.ThreadColocation([new lp.ServiceNode(Spinner), new lp.ServiceNode(Idle)]),
      'threaded',
    );
    const [forkSpinner] = program.addNode(
      new lp.ProcessColocation([new lp.ServiceNode(Spinner), new lp.ServiceNode(Idle)]),
      'forked',
    );
    const running = lp.launch(program, { launchType: 'processes', terminationGraceMs: 500 });
    const pids: number[] = [];
    try {
      await running.ready;
      expect(await running.stackDump('threaded/1')).toMatch(
        /^node threaded\/1: a worker thread of its colocation host\n {2}\S/,
      );
      expect(await running.stackDump('forked/1')).toMatch(
        /^node forked\/1: main thread of its process/,
      );
      pids.push(await running.client(threadSpinner).spin());
      pids.push(await running.client(forkSpinner).spin());
      expect(await dumpNaming(running, 'threaded/0', 'spinForever')).toMatch(/^node threaded\/0: /);
      expect(await dumpNaming(running, 'forked/0', 'spinForever')).toMatch(/^node forked\/0: /);
      // The other node of the thread host still answers: only its own thread is paused.
      expect(await running.stackDump('threaded/1')).toMatch(/^node threaded\/1: /);
      const profile = await running.cpuProfile('threaded/1', { durationMs: 100 });
      expect(profile.nodes.length).toBeGreaterThan(0);
    } finally {
      await running.stop();
    }
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});
