/**
 * Between node threads, calls travel over MessagePorts, and a value marked with
 * `lp.transfer()` is moved rather than copied; elsewhere the mark changes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { makeTransferProgram } from '../fixtures/transfer.ts';

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

  it.each(['in-process', 'processes'] as const)('changes nothing under %s', async (launchType) => {
    expect(await send(launchType, true)).toEqual({ sum: 10, typed: true, lengthAfter: 4 });
  });
});
