/**
 * Call arguments are checked like node arguments: what the codec cannot carry faithfully
 * fails before it is sent, with INVALID_ARGUMENT naming the node, the method and the
 * argument's path; what it can carry (Errors included) arrives as it was sent.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, serve } from './harness.ts';

class Recorder {
  readonly received: unknown[][] = [];
  take(...args: unknown[]): unknown[] {
    this.received.push(args);
    return args;
  }
}

class Point {
  constructor(readonly x: number) {}
  norm(): number {
    return Math.abs(this.x);
  }
}

afterEach(closeAll);

describe('call arguments', () => {
  it.each([
    [
      'a function',
      () => [
        1,
        {
          cb: function onDone(): number {
            return 1;
          },
        },
      ],
      'args[1].cb',
      'function (onDone)',
    ],
    ['a class instance', () => [new Point(1)], 'args[0]', 'class Point'],
    ['a Promise', () => [{ later: Promise.resolve(1) }], 'args[0].later', 'Promise'],
    ['a symbol', () => [[1, Symbol('s')]], 'args[0][1]', 'symbol'],
    [
      'a circular object',
      () => {
        const loop: Record<string, unknown> = { a: 1 };
        loop['self'] = loop;
        return ['x', loop];
      },
      'args[1].self',
      'circular',
    ],
    ['a function inside a Map', () => [new Map([['k', () => 1]])], 'args[0].get(k)', 'function'],
  ])(
    '%s fails before it is sent, naming node, method and path',
    async (_name, args, path, what) => {
      const recorder = new Recorder();
      const { client } = await serve(recorder, { nodeId: 'recorder/0' });
      const caller = client();
      const error = await (caller.take as (...a: unknown[]) => Promise<unknown>)(...args()).catch(
        (e: unknown) => e,
      );
      expect(lp.isLaunchpadError(error, 'INVALID_ARGUMENT')).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain('recorder/0.take()');
      expect(message).toContain(`argument ${path} `);
      expect(message).toContain(what);
      // Nothing was sent: a call after it is the first the service sees.
      await caller.take('after');
      expect(recorder.received).toEqual([['after']]);
    },
  );

  it('a client or a handle as an argument is refused with its path', async () => {
    const recorder = new Recorder();
    const { client } = await serve(recorder, { nodeId: 'recorder/0' });
    const caller = client();
    const program = new lp.Program('args');
    const handle = program.addNode(new lp.ServiceNode(Recorder), 'recorder');
    for (const [value, what] of [
      [client(), 'client'],
      [handle, 'handle'],
    ] as const) {
      const error = await caller.take({ peer: value }).catch((e: unknown) => e);
      expect(lp.isLaunchpadError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toContain('argument args[0].peer ');
      expect((error as Error).message).toContain(what);
    }
    expect(recorder.received).toEqual([]);
  });

  it('an Error crosses with its name, message and stack', async () => {
    const recorder = new Recorder();
    const { client } = await serve(recorder);
    const sent = new TypeError('bad input');
    class QuotaError extends Error {
      override name = 'QuotaError';
    }
    const custom = new QuotaError('over quota');
    await client().take({ error: sent }, [custom]);
    const [first, second] = recorder.received[0] as [{ error: Error }, Error[]];
    expect(first.error).toBeInstanceOf(TypeError);
    expect(first.error.message).toBe('bad input');
    expect(first.error.stack).toBe(sent.stack);
    expect(second[0]).toBeInstanceOf(Error);
    expect(second[0]!.name).toBe('QuotaError');
    expect(second[0]!.message).toBe('over quota');
    expect(second[0]!.stack).toBe(custom.stack);
  });

  it('what the codec carries arrives as it was sent', async () => {
    const recorder = new Recorder();
    const { client } = await serve(recorder);
    const shared = { n: 1 };
    const args = [
      new Map([['k', new Set([1, 2])]]),
      new Date(5),
      new Float32Array([1.5]),
      Buffer.from('hi'),
      /ab+c/gi,
      10n,
      undefined,
      null,
      Object.assign(Object.create(null) as object, { bare: true }),
      [shared, shared], // the same object twice is not a cycle
    ];
    await client().take(...args);
    const received = recorder.received[0]!;
    expect(received.slice(0, 8)).toEqual(args.slice(0, 8));
    expect(received[8]).toEqual({ bare: true });
    expect(received[9]).toEqual([{ n: 1 }, { n: 1 }]);
  });
});
