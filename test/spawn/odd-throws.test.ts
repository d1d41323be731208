/**
 * What a node throws or returns need not be an ordinary Error: a string thrown from a
 * timer ends a node thread with no Error for its `error` event, and an Error's `stack` may
 * have been set to anything. The launcher says what was thrown and goes on; an answer
 * holding such an Error still arrives, and one thrown reaches the caller.
 */
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { OddStack, throwsAStringLater } from '../fixtures/odd-throws.ts';

describe('odd throws', () => {
  it('a string thrown from a timer in a node thread fails that node, naming the string', async () => {
    const program = new lp.Program('string_thrown');
    program.addNode(new lp.FunctionNode(throwsAStringLater), 'thrower');
    const stderr = new PassThrough();
    let output = '';
    stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const running = lp.launch(program, { launchType: 'threads', stderr });
    await expect(running.wait()).rejects.toThrow(/thrower\/0/);
    expect(output).toContain('a string from a timer');
  });

  it.each(['processes', 'threads'] as const)(
    'an Error with a numeric stack, answered or thrown, reaches the caller under %s',
    async (launchType) => {
      const program = new lp.Program('odd_stack');
      const odd = program.addNode(new lp.ServiceNode(OddStack), 'odd');
      const running = lp.launch(program, { launchType });
      try {
        await running.ready;
        const client = running.client(odd);
        const { error } = await client.withNumericStack();
        expect(error).toBeInstanceOf(Error);
        expect(error.message).toBe('odd stack');
        // Thrown, it reaches the caller as a remote error, and the channel stays up.
        await expect(client.throwsNumericStack()).rejects.toThrow(/odd stack/);
        expect((await client.withNumericStack()).error.message).toBe('odd stack');
      } finally {
        await running.stop();
      }
    },
  );
});
