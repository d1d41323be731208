/**
 * Each run of a node has its own end: news of an old run, however late, never ends the
 * run that replaced it.
 */
import { describe, expect, it } from 'vitest';
import { NodeRuns } from '../../../src/launcher/session/node-runs.ts';

describe('NodeRuns', () => {
  it("ends only the run an end is told to, even after the node's restart", async () => {
    const runs = new NodeRuns(['a/0']);
    const first = runs.current('a/0');
    first.end({ error: new Error('first run fails') });
    const second = runs.restart('a/0');
    // The first run's late news (its step's exit) arrives after the restart.
    first.end({ code: 1, signal: null });
    expect(second.hasEnded).toBe(false);
    expect(runs.current('a/0')).toBe(second);
    second.end({ error: undefined });
    await expect(second.ended).resolves.toEqual({ error: undefined });
    await expect(first.ended).resolves.toMatchObject({ error: { message: 'first run fails' } });
  });

  it('counts an end heard twice once, and keeps an end heard before the unit exists', async () => {
    const runs = new NodeRuns(['a/0']);
    runs.current('a/0').end({ code: 0, signal: null });
    runs.current('a/0').end({ code: 1, signal: null });
    await expect(runs.current('a/0').ended).resolves.toEqual({ code: 0, signal: null });
    expect(() => runs.restart('b/0')).toThrow(/No node b\/0/);
  });
});
