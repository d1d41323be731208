/**
 * Between node threads, calls travel over MessagePorts, and a value marked with
 * `lp.transfer()` is moved rather than copied; elsewhere the mark changes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { makeTransferProgram, sendTooMuch, Summer } from '../fixtures/transfer.ts';

async function send(launchType: lp.LaunchType, moveIt: boolean) {
  const running = lp.launch(makeTransferProgram(moveIt), { launchType });
  await running.wait();
  return JSON.parse(readFileSync(join(running.workdir, 'sent.json'), 'utf8')) as {
    sum: number;
    typed: boolean;
    lengthAfter: number;
  };
}

describe('transfer between threads', () => {
  it('moves a marked buffer to the callee: the caller’s copy is detached', async () => {
    expect(await send('threads', true)).toEqual({ sum: 10, typed: true, lengthAfter: 0 });
  });

  it('copies unmarked data: the caller keeps it intact', async () => {
    expect(await send('threads', false)).toEqual({ sum: 10, typed: true, lengthAfter: 4 });
  });

  it('applies the message size limit between threads too, and the channel survives', async () => {
    const program = new lp.Program('too_much');
    const summer = program.addNode(new lp.ServiceNode(Summer), 'summer');
    program.addNode(new lp.FunctionNode(sendTooMuch, summer), 'sender');
    const running = lp.launch(program, { launchType: 'threads', maxMessageBytes: 100_000 });
    await running.wait();
    expect(JSON.parse(readFileSync(join(running.workdir, 'sent.json'), 'utf8'))).toEqual({
      code: 'RESOURCE_EXHAUSTED',
      small: 3,
    });
  });

  it.each(['in-process', 'processes'] as const)('changes nothing under %s', async (launchType) => {
    expect(await send(launchType, true)).toEqual({ sum: 10, typed: true, lengthAfter: 4 });
  });
});
