/**
 * Runs around every test file: whatever a test launched and did not stop (because an
 * assertion failed first, say) is stopped after the test, so no node outlives it.
 */
import { afterEach } from 'vitest';
import { activePrograms } from '../../src/node/node-context.ts';

afterEach(async () => {
  await Promise.all([...activePrograms()].map((program) => program.stop()));
});
