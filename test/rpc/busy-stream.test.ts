/**
 * A service whose loop works through a stream synchronously (a learner's update step per
 * batch) still answers its callers: a call made while the loop is busy is answered before
 * the loop has worked on a few more values, over TCP and over a MessagePort (`threads`),
 * instead of after every value the stream had buffered or the port had queued.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closePorts, serveOver } from './port-harness.ts';

/** The loop's synchronous work per value: longer than the stream's 1 ms yield bound. */
const WORK_MS = 2;
/** The call is made when the loop reaches this value. */
const CALL_AT = 10;
/** The call must be answered before the loop has worked on this many more values. */
const MAX_VALUES_BEFORE_ANSWER = 5;
/** The stream's length: enough to keep the loop busy long after the call. */
const VALUES = CALL_AT + 64;

class Source {
  // eslint-disable-next-line @typescript-eslint/require-await -- a stream is an AsyncIterable
  async *batches(): AsyncGenerator<Float32Array> {
    for (let i = 0; i < VALUES; i++) yield new Float32Array(256).fill(i);
  }
}

class Learner {
  steps = 0;
  getParams(): number {
    return this.steps;
  }
}

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // work the event loop cannot interleave with
  }
}

afterEach(closePorts);

describe('a service looping over a stream with synchronous work per value', () => {
  it.each(['tcp', 'port'] as const)(
    'answers a call made mid-loop within a few values (%s)',
    async (over) => {
      const source = await serveOver(new Source(), 'source/0', over);
      const learner = new Learner();
      const learnerClient = await serveOver(learner, 'learner/0', over);
      await learnerClient.getParams(); // connected before the loop starts

      let answeredAt: number | undefined;
      let call: Promise<void> | undefined;
      for await (const batch of source.batches()) {
        spin(WORK_MS);
        learner.steps = (batch[0] ?? 0) + 1;
        if (learner.steps === CALL_AT) {
          call = learnerClient.getParams().then((seen) => {
            expect(seen).toBeGreaterThanOrEqual(CALL_AT);
            answeredAt = learner.steps;
          });
        }
      }
      await call;
      expect(answeredAt).toBeDefined();
      expect((answeredAt ?? Infinity) - CALL_AT).toBeLessThan(MAX_VALUES_BEFORE_ANSWER);
    },
  );
});
