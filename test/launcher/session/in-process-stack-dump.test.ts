/**
 * Under `in-process`, nodes share the launcher's thread: a stack dump shows the stack of
 * the call that asked, and a CPU profile covers that thread (and so every node).
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { Idle } from '../../fixtures/spinning.ts';

describe('stack dumps and CPU profiles under in-process', () => {
  it("show the launcher's own thread, and name unknown ids", async () => {
    const program = new lp.Program('in-process-diagnosed');
    program.addNode(new lp.ServiceNode(Idle), 'idle');
    await using running = lp.launch(program, { launchType: 'in-process' });
    await running.ready;
    async function askForStack(): Promise<string> {
      return running.stackDump('idle/0');
    }
    const text = await askForStack();
    expect(text).toMatch(/^node idle\/0: the launcher's own thread/);
    expect(text).toMatch(/\n {2}askForStack file:\/\/.*in-process-stack-dump\.test\.ts:\d+:\d+\n/);
    const profile: lp.CpuProfile = await running.cpuProfile('idle/0', { durationMs: 50 });
    expect(profile.nodes.length).toBeGreaterThan(0);
    await expect(running.stackDump('nobody/0')).rejects.toThrow(/its nodes are idle\/0/);
  });
});
