/**
 * A node restarted a moment ago is reached at its new run's diagnostics address: the
 * ended run's address is forgotten when the run ends, so a stack dump waits for the new
 * one instead of failing with ECONNREFUSED on the old, closed port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { resolveLaunchOptions } from '../../../src/launcher/options/launch-options.ts';
import { createLaunchSetup } from '../../../src/launcher/session/launch-setup.ts';
import type { DiagnosticsTarget } from '../../../src/launcher/session/node-diagnostics.ts';
import { Echo } from '../../fixtures/services.ts';

const target = (thread: string): DiagnosticsTarget => ({
  thread,
  stack: () => Promise.resolve({ idle: true, frames: [] }),
  profile: () => Promise.reject(new Error('not here')),
});

describe('the diagnostics book across a restart', () => {
  it("forgets an ended run's address, and gives the next run's once it registers", async () => {
    const program = new lp.Program('restarted');
    program.addNode(new lp.ServiceNode(Echo), 'echo');
    const workdir = mkdtempSync(join(tmpdir(), 'lp-restarted-'));
    const setup = createLaunchSetup(program, resolveLaunchOptions({ workdir }), 'processes');
    try {
      setup.diagnostics.set('echo/0', target('first run'));
      setup.lifecycle.nodeUp('echo/0');
      expect((await setup.diagnostics.when('echo/0')).thread).toBe('first run');
      setup.lifecycle.nodeRestarting('echo/0', new Error('killed'));
      const next = setup.diagnostics.when('echo/0');
      const pending = Symbol('pending');
      expect(await Promise.race([next, Promise.resolve(pending)])).toBe(pending);
      setup.diagnostics.set('echo/0', target('second run'));
      expect((await next).thread).toBe('second run');
    } finally {
      await setup.lifecycle.stop();
      rmSync(workdir, { recursive: true, force: true });
    }
  });
});
