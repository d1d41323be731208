/**
 * Prints the closing line CI reads, `N passed, N failed, N skipped`, from the JSON report
 * vitest writes (see vitest.config.ts). Without a report, the run failed before any test.
 */
import { existsSync, readFileSync } from 'node:fs';

interface VitestReport {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly numTodoTests: number;
}

const path = process.argv[2] ?? '.test-results.json';
if (!existsSync(path)) {
  console.log('0 passed, 1 failed');
  console.log(
    `(no test report at ${path}: type-checking, linting or the test runner failed first)`,
  );
} else {
  const report = JSON.parse(readFileSync(path, 'utf8')) as VitestReport;
  const skipped = report.numPendingTests + report.numTodoTests;
  console.log(
    `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`,
  );
}
