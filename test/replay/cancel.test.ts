/**
 * A sample call whose caller gave up does not draw items later for nobody.
 */
import * as lp from 'launchpad-ts';
import { queueTable, ReplayNode } from 'launchpad-ts/replay';
import { describe, expect, it } from 'vitest';

describe('a cancelled sample call', () => {
  it('leaves the items for the next caller', async () => {
    const program = new lp.Program('replay_cancel');
    const replay = program.addNode(new ReplayNode({ tables: [queueTable('queue', 10)] }), 'replay');
    await using running = lp.launch(program, { launchType: 'in-process' });
    const client = running.client(replay);
    await client.info(); // connected, so the deadline below runs out on the waiting call
    // The queue is empty: this call waits, then its caller's deadline passes.
    const error: unknown = await lp
      .withOptions(client, { timeoutMs: 100 })
      .sample('queue', 1)
      .catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'DEADLINE_EXCEEDED')).toBe(true);
    await client.insert('first', { queue: 1 });
    // Had the server kept the cancelled call, it would have taken 'first' and this one
    // would wait until its deadline.
    const [item] = await lp.withOptions(client, { timeoutMs: 10_000 }).sample('queue', 1);
    expect(item?.data).toBe('first');
  });
});
