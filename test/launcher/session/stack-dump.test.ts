/**
 * Stack dumps and CPU profiles of running nodes (`running.stackDump()`,
 * `running.cpuProfile()`), under every local launch type and in a colocation: a node
 * whose event loop is blocked in a busy loop still shows the spinning function.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { busyRun, Idle, spinAtOnce, Spinner } from '../../fixtures/spinning.ts';
import { isAlive } from '../../helpers/scripts.ts';
import { dumpNaming } from '../../helpers/stack-dumps.ts';
import type { CpuProfile } from '../../../src/protocol/diagnostics.ts';

type LocalType = 'processes' | 'threads';

function spinningProgram(): {
  program: lp.Program;
  spinner: lp.Handle<Spinner>;
  idle: lp.Handle<Idle>;
} {
  const program = new lp.Program('diagnosed');
  const spinner = program.addNode(new lp.ServiceNode(Spinner), 'spinner');
  const idle = program.addNode(new lp.ServiceNode(Idle), 'idle');
  program.addNode(new lp.FunctionNode(busyRun), 'busy');
  return { program, spinner, idle };
}

/** The function names in a profile's call tree. */
function profileFunctions(profile: CpuProfile): string[] {
  return profile.nodes.map((node) => node.callFrame.functionName);
}

describe.each(['processes', 'threads'] as const)(
  'stack dumps and CPU profiles under %s',
  (launchType: LocalType) => {
    it('shows a node blocked in a busy loop, an idle node, and a profile of the spinning function', async () => {
      const { program, spinner, idle } = spinningProgram();
      const running = lp.launch(program, { launchType, terminationGraceMs: 500 });
      const pids: number[] = [];
      try {
        await running.ready;
        pids.push(await running.client(idle).pid());
        // An idle node shows as idle, or paused in whatever callback its loop ran next.
        const idleDump = await running.stackDump('idle/0');
        expect(idleDump).toMatch(/^node idle\/0: .*\n {2}\S/);

        // A function node busy since its run() began. Its run() starts once the program
        // is ready, a moment after `ready` resolves here, so the profile waits until a
        // stack shows it burning.
        await dumpNaming(running, 'busy/0', 'burnCycles');
        const profile = await running.cpuProfile('busy/0', { durationMs: 300 });
        expect(profile.nodes.length).toBeGreaterThan(0);
        expect(profile.samples?.length).toBeGreaterThan(0);
        expect(profileFunctions(profile)).toContain('fibonacci');

        pids.push(await running.client(spinner).spin());

        const dump = await dumpNaming(running, 'spinner/0', 'spinForever');
        const frame = dump.split('\n').find((line) => line.includes('spinForever'));
        expect(frame).toMatch(
          /^ {2}spinForever file:\/\/.*\/test\/fixtures\/spinning\.ts:\d+:\d+$/,
        );
        // The function node is busy from its run() on.
        expect(await dumpNaming(running, 'busy/0', 'burnCycles')).toMatch(/^node busy\/0: /);
        expect(await running.client(idle).pid()).toBe(pids[0]);
      } finally {
        await running.stop();
      }
      if (launchType === 'processes') {
        for (const pid of pids) expect(isAlive(pid)).toBe(false);
      }
    });

    it('names the node and the known ids for an unknown id', async () => {
      const { program } = spinningProgram();
      const running = lp.launch(program, { launchType, terminationGraceMs: 500 });
      try {
        await running.ready;
        await expect(running.stackDump('nobody/0')).rejects.toThrow(
          /stackDump\(nobody\/0\): program diagnosed has no node nobody\/0; its nodes are spinner\/0, idle\/0, busy\/0/,
        );
        await expect(running.cpuProfile('nobody/0')).rejects.toThrow(/has no node nobody\/0/);
        await expect(running.cpuProfile('idle/0', { durationMs: 0 })).rejects.toThrow(
          /options\.durationMs/,
        );
      } finally {
        await running.stop();
      }
      await expect(running.stackDump('idle/0')).rejects.toThrow(
        /node idle\/0 is stopped, not running/,
      );
    });
  },
);

describe('a node process blocked by the first call it serves', () => {
  it('is dumped: its diagnostics thread was registered before the node was', async () => {
    // The caller's run() makes the spinner spin as soon as the program is ready. Its
    // diagnostics thread used to be registered after the node: a call in between left the
    // main thread blocked before it could say where that thread answers.
    const program = new lp.Program('spun_at_once');
    const spinner = program.addNode(new lp.ServiceNode(Spinner), 'spinner');
    program.addNode(new lp.FunctionNode(spinAtOnce, spinner), 'caller');
    const running = lp.launch(program, { launchType: 'processes', terminationGraceMs: 500 });
    try {
      await running.ready;
      expect(await dumpNaming(running, 'spinner/0', 'spinForever')).toMatch(/^node spinner\/0: /);
    } finally {
      await running.stop();
    }
  });
});

describe('a profile whose node ends before it is done, under processes', () => {
  it('says the node was stopped with the program, naming it', async () => {
    const { program } = spinningProgram();
    const running = lp.launch(program, { launchType: 'processes', terminationGraceMs: 500 });
    let stopped: Promise<void> | undefined;
    try {
      await running.ready;
      await dumpNaming(running, 'busy/0', 'burnCycles');
      const profile = running.cpuProfile('busy/0', { durationMs: 20_000 });
      stopped = running.stop();
      await expect(profile).rejects.toThrow(
        /^cpuProfile\(busy\/0\): node busy\/0 was stopped with program diagnosed before it answered \(.*\); ask again while it runs/,
      );
      await expect(profile).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    } finally {
      await (stopped ?? running.stop());
    }
  });

  it('says the node ended its run when its process is killed', async () => {
    const { program, idle } = spinningProgram();
    // A node that fails stops the program (no restart policy): either is said.
    const running = lp.launch(program, { launchType: 'processes', terminationGraceMs: 500 });
    try {
      await running.ready;
      const pid = await running.client(idle).pid();
      // Asked first: its connection is open, or refused, or the node has not yet said
      // where its diagnostics thread is, when the process goes; each is said as its end.
      const profile = running.cpuProfile('idle/0', { durationMs: 20_000 });
      process.kill(pid, 'SIGKILL');
      await expect(profile).rejects.toThrow(
        /^cpuProfile\(idle\/0\): node idle\/0 (ended its run \(it is (failed|restarting|stopped)\)|was stopped with program diagnosed) before it (answered \(.*\)|could be asked); ask again while it runs/,
      );
    } finally {
      await running.stop().catch(() => undefined);
    }
  });
});
