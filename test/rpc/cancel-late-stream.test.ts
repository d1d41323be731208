/**
 * A call cancelled while its method is still working on a stream to return: the stream,
 * once returned, is closed at once rather than left waiting for a reader. The method
 * returns only when the test releases it, after the deadline: no timing is assumed.
 */
import * as lp from 'launchpad-ts';
import { expect, it } from 'vitest';

export class LateStream {
  #release: () => void = () => undefined;
  readonly #released = new Promise<void>((resolve) => {
    this.#release = resolve;
  });
  #onClosed: () => void = () => undefined;
  readonly #closed = new Promise<void>((resolve) => {
    this.#onClosed = resolve;
  });

  /** Returns, once released, a stream that never ends by itself. */
  async open(): Promise<AsyncIterable<number>> {
    await this.#released;
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.resolve({ value: 1, done: false as const }),
        return: () => {
          this.#onClosed();
          return Promise.resolve({ value: undefined, done: true as const });
        },
      }),
    };
  }

  /** Answers at once. */
  ping(): string {
    return 'pong';
  }

  /** Lets `open()` return its stream. */
  release(): void {
    this.#release();
  }

  /** Resolves once the stream was told to stop. */
  closed(): Promise<void> {
    return this.#closed;
  }
}

it('closes a stream returned for a call its caller already cancelled', async () => {
  const program = new lp.Program('late_stream');
  const handle = program.addNode(new lp.ServiceNode(LateStream), 'late');
  await using running = lp.launch(program, { launchType: 'in-process' });
  const client = running.client(handle);
  await client.ping(); // connected, so the deadline below runs out on the call itself
  const closed = lp.withOptions(client, { timeoutMs: 30_000 }).closed();
  const outcome: unknown = await Promise.resolve(
    lp.withOptions(client, { timeoutMs: 50 }).open(),
  ).then(
    () => 'answered',
    (error: unknown) => error,
  );
  expect(lp.isLaunchpadError(outcome, 'DEADLINE_EXCEEDED')).toBe(true);
  // Only now, after the caller gave up, does open() return its stream.
  await client.release();
  // Resolves only if the server closed the stream; its deadline fails the test otherwise.
  await expect(closed).resolves.toBeUndefined();
});
