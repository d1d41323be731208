/**
 * Per-call deadlines: one longer than a timer can hold (2^31−1 ms) is kept, not fired at
 * once, and a deadline that is not a number of milliseconds is refused before the call
 * is sent, naming the call.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, serve } from './harness.ts';

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

// `hold()` answers when `release()` is called, so a test decides when a call may end.
class Gate {
  #open: (() => void) | undefined;
  readonly #opened = new Promise<void>((resolve) => {
    this.#open = resolve;
  });
  async hold(): Promise<string> {
    await this.#opened;
    return 'released';
  }
  release(): void {
    this.#open?.();
  }
  echo(value: number): number {
    return value;
  }
}

afterEach(closeAll);

describe('call deadlines', () => {
  it('a 30-day deadline is kept: the call waits for its answer, with no timer warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning.name);
    };
    process.on('warning', onWarning);
    try {
      const gate = new Gate();
      const { client } = await serve(gate);
      const caller = client();
      // Connected first, so the short deadline below is spent waiting for the answer.
      expect(await caller.echo(0)).toBe(0);
      const long = lp.withOptions(caller, { timeoutMs: THIRTY_DAYS_MS }).hold();
      // A short deadline on the same connection ends first: by then a long deadline that
      // had overflowed to 1 ms would have fired too.
      const short = await lp
        .withOptions(caller, { timeoutMs: 30 })
        .hold()
        .catch((error: unknown) => error);
      expect(lp.isLaunchpadError(short, 'DEADLINE_EXCEEDED')).toBe(true);
      // Still pending: an echo sent after it comes back first.
      const first = await Promise.race([
        long.then(() => 'long'),
        caller.echo(1).then(() => 'echo'),
      ]);
      expect(first).toBe('echo');
      gate.release();
      expect(await long).toBe('released');
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a 30-day deadline is kept while the call waits for its callee to come up', async () => {
    const gate = new Gate();
    const { client } = await serve(gate);
    const caller = lp.withOptions(client(), {
      timeoutMs: THIRTY_DAYS_MS,
      connectTimeoutMs: THIRTY_DAYS_MS,
    });
    const long = caller.hold();
    expect(await caller.echo(2)).toBe(2);
    gate.release();
    expect(await long).toBe('released');
  });

  it.each([
    ['NaN', Number.NaN],
    ['a negative number', -5],
    ['a string', '100'],
    ['null', null],
  ])('a timeoutMs of %s is refused with INVALID_ARGUMENT naming the call', async (_name, bad) => {
    const gate = new Gate();
    const { client } = await serve(gate, { nodeId: 'gate/0' });
    const caller = lp.withOptions(client(), { timeoutMs: bad as number });
    const error = await caller.echo(3).catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('gate/0.echo()');
    expect((error as Error).message).toContain('timeoutMs');
  });

  it('a connectTimeoutMs that is not a number of milliseconds is refused too', async () => {
    const gate = new Gate();
    const { client } = await serve(gate, { nodeId: 'gate/0' });
    const caller = lp.withOptions(client(), { connectTimeoutMs: Number.NaN });
    const error = await caller.echo(4).catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('gate/0.echo()');
    expect((error as Error).message).toContain('connectTimeoutMs');
  });

  it('Infinity means no deadline', async () => {
    const gate = new Gate();
    const { client } = await serve(gate);
    const caller = lp.withOptions(client(), { timeoutMs: Number.POSITIVE_INFINITY });
    const long = caller.hold();
    expect(await caller.echo(5)).toBe(5);
    gate.release();
    expect(await long).toBe('released');
  });
});
