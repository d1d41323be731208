/**
 * A colocation host killed outright: its nodes are shown as down only once their
 * processes are gone, so no call made while a node shows as down is answered by its old
 * instance, and two instances of one node id never serve at once.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { Counter } from '../../fixtures/hardening.ts';

interface Outcome {
  readonly madeWhileDown: boolean;
  readonly pid?: number;
}

describe('a colocation host killed with SIGKILL', () => {
  it('takes its node processes with it before the nodes show as down', async () => {
    const program = new lp.Program('host_kill');
    const [counter] = program.addNode(
      new lp.ProcessColocation([new lp.ServiceNode(Counter), new lp.ServiceNode(Counter)]),
      'hosted',
    );
    await using running = lp.launch(program, {
      launchType: 'processes',
      restart: { mode: 'on-failure', backoffMs: 0 },
      terminationGraceMs: 1_000,
    });
    const client = lp.withOptions(running.client(counter), { timeoutMs: 30_000 });
    const old = await client.where();
    // Short deadlines while the node is down, so calls keep being made until it is back.
    const probe = lp.withOptions(running.client(counter), { timeoutMs: 250 });
    const outcomes: Outcome[] = [];
    let answeredByNew = false;
    const deadline = Date.now() + 40_000;
    // One call at a time, each noting the node's state when it was made, until the new
    // instance answers (bounded in count and time).
    for (let i = 0; i < 20_000 && !answeredByNew && Date.now() < deadline; i++) {
      if (i === 20) process.kill(old.ppid, 'SIGKILL');
      const madeWhileDown = running.nodes().get(old.nodeId)?.state !== 'running';
      try {
        const { pid } = await probe.where();
        outcomes.push({ madeWhileDown, pid });
        answeredByNew = pid !== old.pid;
      } catch {
        // In flight when the old instance died, or made while the node was down: it fails,
        // which its caller sees.
        outcomes.push({ madeWhileDown });
      }
    }
    expect(answeredByNew).toBe(true);
    const whileDown = outcomes.filter(({ madeWhileDown }) => madeWhileDown);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.filter(({ pid }) => pid === old.pid)).toEqual([]);
  }, 120_000);
});
