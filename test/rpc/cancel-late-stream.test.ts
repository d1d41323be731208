/**
 * A call cancelled while its method is still working on a stream to return: the stream,
 * once returned, is closed at once rather than left waiting for a reader.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as lp from 'launchpad-ts';
import { expect, it } from 'vitest';

class LateStream {
  #closed = false;

  /** Takes a while, then returns a stream that never ends by itself. */
  async open(): Promise<AsyncIterable<number>> {
    await sleep(200);
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.resolve({ value: 1, done: false as const }),
        return: () => {
          this.#closed = true;
          return Promise.resolve({ value: undefined, done: true as const });
        },
      }),
    };
  }

  /** Whether the stream was told to stop. */
  wasClosed(): boolean {
    return this.#closed;
  }
}

it('closes a stream returned for a call its caller already cancelled', async () => {
  const program = new lp.Program('late_stream');
  const handle = program.addNode(new lp.ServiceNode(LateStream), 'late');
  await using running = lp.launch(program, { launchType: 'in-process' });
  const client = running.client(handle);
  const outcome: unknown = await Promise.resolve(
    lp.withOptions(client, { timeoutMs: 50 }).open(),
  ).then(
    () => 'answered',
    (error: unknown) => error,
  );
  expect(lp.isLaunchpadError(outcome, 'DEADLINE_EXCEEDED')).toBe(true);
  while (!(await client.wasClosed())) await sleep(50);
  expect(await client.wasClosed()).toBe(true);
});
