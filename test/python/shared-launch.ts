/**
 * One launch shared by every test of a file: the setup file stops what each test
 * launched after it, so a launch made in `beforeAll` is taken out of that list here and
 * stopped by the file's `afterAll` instead (even when a test fails).
 */
import * as lp from 'launchpad-ts';
import { afterAll } from 'vitest';
import { activePrograms } from '../../src/node/node-context.ts';

/** Launches `program` for the whole file; stopped after the file's last test. */
export function launchForFile(program: lp.Program, options: lp.LaunchOptions): lp.RunningProgram {
  const before = new Set(activePrograms());
  const running = lp.launch(program, options);
  for (const active of activePrograms()) {
    if (!before.has(active)) activePrograms().delete(active);
  }
  afterAll(async () => {
    await running.stop();
  });
  return running;
}
