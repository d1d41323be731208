/**
 * msgpackr's native string decoder loads when a node first decodes a frame large enough
 * to gain from it, once the node serves: never during a node's start, where loading its
 * addon cost every node thread and process a few milliseconds. Frames decode the same
 * before and after.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { manyStrings, NativeStringsProbe } from '../fixtures/native-strings.ts';
import { encodeMessage } from '../../src/rpc/codec.ts';
import { NATIVE_STRINGS_MIN_FRAME_BYTES } from '../../src/rpc/native-strings.ts';

const LAUNCH_TYPES = ['threads', 'processes'] as const;

describe('msgpackr native string decoder in a node', () => {
  it('the probe frame is large enough to load it, and a facts call is not', () => {
    expect(encodeMessage(manyStrings(), 1e9).byteLength).toBeGreaterThanOrEqual(
      NATIVE_STRINGS_MIN_FRAME_BYTES,
    );
  });

  it.each(LAUNCH_TYPES)(
    'under %s: absent when the node serves, loaded by its first large frame',
    async (launchType) => {
      const program = new lp.Program('native_strings');
      const handle = program.addNode(new lp.ServiceNode(NativeStringsProbe), 'probe');
      const running = lp.launch(program, { launchType });
      try {
        await running.ready;
        const probe = running.client(handle);
        const atStart = await probe.facts();
        expect(atStart.state).toBe('waiting');
        expect(atStart.enabled).toBe(false);
        // A node process has its own address space: the addon is not mapped at all.
        if (launchType === 'processes') expect(atStart.addonMapped).toBe(false);

        const value = manyStrings();
        // Decoded in JavaScript; this frame starts the decoder's load.
        expect(await probe.echo(value)).toEqual(value);
        expect(['loading', 'installed']).toContain((await probe.facts()).state);
        const loaded = await probe.factsOnceLoaded();
        expect(loaded).toEqual({ state: 'installed', enabled: true, addonMapped: true });
        // Decoded by the addon now.
        expect(await probe.echo(value)).toEqual(value);
        expect(await probe.echo([value, 'ping', 1])).toEqual([value, 'ping', 1]);
      } finally {
        await running.stop();
      }
    },
  );
});
