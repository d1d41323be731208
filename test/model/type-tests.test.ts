/**
 * The type-level tests (`expectTypeOf`, `@ts-expect-error`) hold only if TypeScript
 * accepts their files: vitest runs them as plain code, where every type assertion passes.
 * This test compiles those files with the project's compiler options and fails on any
 * error, so a broken `Client<T>` or a misuse that starts to compile fails the test run,
 * not only `tsc`.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/scripts.ts';

/** Every test file that asserts types. */
const TYPE_TEST_FILES = [
  'test/model/types.test.ts',
  'test/spawn/colocation.test.ts',
  'test/rpc/client-type.test.ts',
  'test/rpc/batched-handler.test.ts',
  'test/launcher/options/output-mode.test.ts',
];

// A whole compile: seconds of CPU, far more on a loaded machine, hence its own bound.
it('compiles every type-level test without an error', { timeout: 300_000 }, () => {
  const configFile = join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configFile, (path) => ts.sys.readFile(path));
  if (read.error !== undefined) throw new Error(format([read.error]));
  const { options } = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT);
  const program = ts.createProgram(
    TYPE_TEST_FILES.map((file) => join(ROOT, file)),
    options,
  );
  expect(format(ts.getPreEmitDiagnostics(program))).toBe('');
});

function format(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
}
