/**
 * @module
 * Cleanups run after each test, last added first, even when the test failed: servers to
 * close, temporary folders to remove.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** What {@link cleansUpAfterEach} gives a test file. */
export interface Cleanups {
  /** Runs `cleanup` after the current test. */
  add(cleanup: () => Promise<void> | void): void;
  /** A fresh temporary folder named after `prefix`, removed after the current test. */
  tempDir(prefix: string): string;
}

/** Registers an `afterEach` (call it at a test file's top level) that runs the cleanups. */
export function cleansUpAfterEach(): Cleanups {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    add: (cleanup) => {
      cleanups.push(cleanup);
    },
    tempDir: (prefix) => {
      const folder = mkdtempSync(join(tmpdir(), prefix));
      cleanups.push(() => {
        rmSync(folder, { recursive: true, force: true });
      });
      return folder;
    },
  };
}
