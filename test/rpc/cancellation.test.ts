/**
 * Every call can end: deadlines and abort signals reject it and tell the server (CANCEL),
 * and a dropped connection rejects every call pending on it with UNAVAILABLE.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, serve } from './harness.ts';

// Batches of two: a call waits until a second one arrives, so what the batch receives
// shows whether a cancelled call was dropped on the server.
class Pairs {
  readonly batches: string[][] = [];
  readonly pair: lp.BatchedMethod<[string], string>;
  constructor() {
    this.pair = lp.batched(this._pair.bind(this), { batchSize: 2, timeoutMs: 60_000 });
  }
  _pair(names: string[]): string[] {
    this.batches.push(names);
    return names.map((name) => `${name}!`);
  }
  ping(): string {
    return 'pong';
  }
  never(): Promise<never> {
    return new Promise(() => undefined);
  }
}

afterEach(closeAll);

/**
 * Checks that the server dropped the one cancelled call it held: two new calls make a
 * batch of their own. Had the server kept the cancelled call, it would pair with 'a', and
 * 'b' would wait alone until its (bounded) deadline.
 */
async function expectCancelledCallDropped(pairs: Pairs, caller: lp.Client<Pairs>): Promise<void> {
  const bounded = lp.withOptions(caller, { timeoutMs: 10_000 });
  const answers = await Promise.allSettled([bounded.pair('a'), bounded.pair('b')]);
  expect(answers).toEqual([
    { status: 'fulfilled', value: 'a!' },
    { status: 'fulfilled', value: 'b!' },
  ]);
  expect(pairs.batches).toEqual([['a', 'b']]);
}

describe('deadlines and aborts', () => {
  it('rejects at the deadline with DEADLINE_EXCEEDED, and the server drops the call', async () => {
    const pairs = new Pairs();
    const { client } = await serve(pairs);
    const caller = client();
    // Connected first: the deadline below runs out on the server's side of the call, not
    // while connecting (which a loaded machine can make slow).
    await caller.ping();
    const error = await lp
      .withOptions(caller, { timeoutMs: 20 })
      .pair('late')
      .catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'DEADLINE_EXCEEDED')).toBe(true);
    expect((error as Error).message).toContain('service/0.pair()');
    await expectCancelledCallDropped(pairs, caller);
  });

  it('rejects on abort with CANCELLED, and the server drops the call', async () => {
    const pairs = new Pairs();
    const { client } = await serve(pairs);
    const caller = client();
    await caller.ping();
    const controller = new AbortController();
    const call = lp
      .withOptions(caller, { signal: controller.signal })
      .pair('gone')
      .catch((e: unknown) => e);
    // Answered after 'gone' on the same connection: the server holds 'gone' in its batch.
    await caller.ping();
    controller.abort();
    expect(lp.isLaunchpadError(await call, 'CANCELLED')).toBe(true);
    await expectCancelledCallDropped(pairs, caller);
  });

  it('rejects a call whose signal is already aborted without sending it', async () => {
    const { client } = await serve(new Pairs());
    const error = await lp
      .withOptions(client(), { signal: AbortSignal.abort() })
      .never()
      .catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'CANCELLED')).toBe(true);
  });

  it('applies client defaults and lets a call override them', async () => {
    const { client } = await serve(new Pairs());
    const impatient = client({ timeoutMs: 10 });
    // Connected first (the override shares the peer), so the 10 ms run out on the call.
    await lp.withOptions(impatient, { timeoutMs: 60_000 }).ping();
    const error = await impatient.never().catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'DEADLINE_EXCEEDED')).toBe(true);
    const controller = new AbortController();
    const patient = lp.withOptions(impatient, { timeoutMs: 60_000, signal: controller.signal });
    const call = patient.never().catch((e: unknown) => e);
    controller.abort();
    expect(lp.isLaunchpadError(await call, 'CANCELLED')).toBe(true);
  });
});

describe('a dropped connection', () => {
  it('rejects every pending call with UNAVAILABLE naming the node', async () => {
    const { client, server } = await serve(new Pairs(), { nodeId: 'learner/2' });
    const caller = client();
    await caller.ping(); // connected, so the calls below are sent, not waiting to connect
    const calls = Array.from({ length: 10 }, () => caller.never().catch((e: unknown) => e));
    calls.push(caller.pair('alone').catch((e: unknown) => e));
    await caller.ping(); // every call above has reached the server
    await server.close();
    const errors = await Promise.all(calls);
    for (const error of errors) {
      expect(lp.isLaunchpadError(error, 'UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toContain('learner/2');
    }
    expect((errors[0] as Error).message).toContain('learner/2.never()');
  });
});
