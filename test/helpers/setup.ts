/**
 * Runs around every test file: the launch registry goes to a temporary state directory,
 * and whatever a test launched and did not stop (because an
 * assertion failed first, say) is stopped after the test, so no node outlives it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { activePrograms } from '../../src/node/node-context.ts';

// Every launch records itself in the launch registry; tests keep theirs out of the home
// directory, in a state directory of their own (inherited by launchers they start).
process.env['LP_STATE_DIR'] ??= mkdtempSync(join(tmpdir(), 'launchpad-state-'));

afterEach(async () => {
  await Promise.all([...activePrograms()].map((program) => program.stop()));
});
