/** The launch time limit: the program stops cleanly when it is up, and the launcher says so. */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { markStop, nothing, sawStop } from '../../fixtures/in-process-nodes.ts';
import {
  parseTimeLimit,
  resolveTimeLimit,
} from '../../../src/launcher/options/time-limit-option.ts';
import { capture } from '../../helpers/capture.ts';

describe('time limit', () => {
  it('stops a program that would run for ever, cleanly, and says so', async () => {
    const program = new lp.Program('forever');
    program.addNode(new lp.FunctionNode(markStop), 'worker');
    const stderr = capture();
    const running = lp.launch(program, {
      launchType: 'in-process',
      timeLimitMs: 200,
      stderr,
    });
    try {
      await running.wait();
      expect(sawStop.has('forever')).toBe(true);
      expect(running.stoppedByTimeLimit).toBe(true);
      expect(stderr.text()).toContain('time limit of 0.2 s reached; stopping forever.');
    } finally {
      await running.stop();
    }
  });

  it('leaves a program that ends first alone', async () => {
    const program = new lp.Program('quick');
    program.addNode(new lp.FunctionNode(nothing), 'worker');
    const running = lp.launch(program, { launchType: 'in-process', timeLimitMs: 60_000 });
    try {
      await running.wait();
      expect(running.stoppedByTimeLimit).toBe(false);
    } finally {
      await running.stop();
    }
  });

  it('reads --lp_time_limit in seconds or with a unit, and refuses nonsense', () => {
    expect(parseTimeLimit('300')).toBe(300_000);
    expect(parseTimeLimit('1.5s')).toBe(1_500);
    expect(parseTimeLimit('500ms')).toBe(500);
    expect(parseTimeLimit('5m')).toBe(300_000);
    expect(resolveTimeLimit(undefined, '2m')).toBe(120_000);
    expect(resolveTimeLimit(undefined, '10')).toBe(10_000);
    expect(resolveTimeLimit(undefined, undefined)).toBeUndefined();
    expect(resolveTimeLimit(250, '9')).toBe(250);
    expect(() => parseTimeLimit('soon')).toThrow(
      /--lp_time_limit to be a positive duration.*"soon"/,
    );
    expect(() => parseTimeLimit('0')).toThrow(/positive duration/);
    expect(() => resolveTimeLimit(-1, undefined)).toThrow(
      'Launch option timeLimitMs must be a positive number of milliseconds, got -1.',
    );
  });
});
