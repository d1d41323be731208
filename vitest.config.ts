import { defineConfig } from 'vitest/config';

// Tests, and the node processes and threads they start, run launchpad-ts from its sources:
// `import 'launchpad-ts'` resolves through this package export condition.
const SOURCE_CONDITION = 'launchpad-ts-source';

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION] } },
  test: {
    execArgv: [`--conditions=${SOURCE_CONDITION}`],
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    // Tests launch real processes; on two cores they need room.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: '.test-results.json' },
    typecheck: { enabled: false },
  },
});
