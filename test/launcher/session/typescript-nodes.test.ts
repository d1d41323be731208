/**
 * A TypeScript program run as users run it (`tsx main.ts`, launchpad-ts from its built
 * `dist/`): its nodes, under `processes` and `threads`, load no TypeScript toolchain, yet
 * the code runs as written. Each node reports, from itself, the flags it runs with and
 * every script its isolate has loaded (a few of the library's bundled files among them);
 * it reads a data file through `import.meta.url`; its remote error and its stack dump name
 * the user's `.ts` file and line.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/scripts.ts';
import type { Report } from '../../fixtures/ts-entry/program.ts';

const FIXTURE = join(ROOT, 'test/fixtures/ts-entry');
const PROGRAM = join(FIXTURE, 'program.ts');
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const TOOLCHAIN = /[/\\](tsx|esbuild)[/\\]/;
const DIST_URL = pathToFileURL(join(ROOT, 'dist/')).href;

const started = new Set<ChildProcess>();
afterEach(() => {
  for (const child of started) child.kill('SIGKILL');
  started.clear();
});

/** The 1-based line of program.ts that contains `text`. */
function lineOf(text: string): number {
  return (
    readFileSync(PROGRAM, 'utf8')
      .split('\n')
      .findIndex((line) => line.includes(text)) + 1
  );
}

interface Outcome {
  readonly report: Report;
  readonly error: string;
  readonly dump: string;
}

/** Runs the fixture's entry with tsx and no test-only conditions, as a user's shell would. */
function runEntry(launchType: string): Promise<{ outcome: Outcome | undefined; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', TSX_LOADER, join(FIXTURE, 'main.ts'), launchType],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      },
    );
    started.add(child);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('close', () => {
      const line = output.split('\n').find((text) => text.startsWith('{"report"'));
      resolve({ outcome: line === undefined ? undefined : (JSON.parse(line) as Outcome), output });
    });
  });
}

beforeAll(async () => {
  // The library as a user gets it: its built dist/, which `import 'launchpad-ts'` reaches
  // without the source condition.
  await new Promise<void>((resolve, reject) => {
    execFile('npm', ['run', 'build'], { cwd: ROOT, timeout: 180_000 }, (error, stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`npm run build failed: ${stdout}${stderr}`));
    });
  });
}, 200_000);

describe.each(['processes', 'threads'] as const)(
  'a TypeScript entry run with tsx, under %s',
  (launchType) => {
    it('runs its nodes with plain node, as written, with errors and stack dumps on its .ts lines', async () => {
      const { outcome, output } = await runEntry(launchType);
      if (outcome === undefined) throw new Error(`the entry printed no outcome:\n${output}`);
      const { report, error, dump } = outcome;

      // Read from the node itself: no loader flag, and no tsx or esbuild script loaded in
      // its isolate, while the library and the user's code are.
      expect(
        report.execArgv.filter((flag) => TOOLCHAIN.test(flag) || /^--(import|loader)/.test(flag)),
      ).toEqual([]);
      expect(report.scripts.filter((url) => TOOLCHAIN.test(url))).toEqual([]);
      expect(report.scripts.some((url) => url.endsWith('/ts-entry/program.mjs'))).toBe(true);
      // `import 'launchpad-ts'` in a node is the public API without the launcher's code
      // (the launchpad-ts-node condition): no file of the launcher's session or backends.
      expect(report.scripts).toContain(pathToFileURL(join(ROOT, 'dist/index-in-node.js')).href);
      expect(report.scripts).not.toContain(pathToFileURL(join(ROOT, 'dist/index.js')).href);
      const libraryFiles = report.scripts.filter((url) => url.startsWith(DIST_URL));
      const launcherModules = libraryFiles.flatMap((url) =>
        [...readFileSync(new URL(url), 'utf8').matchAll(/^\/\/ (src\/launcher\/\S+)$/gm)]
          .map((match) => match[1] ?? '')
          .filter(
            (module) =>
              !/^src\/launcher\/(options|main\.ts|backends\/[\w-]+\/(descriptor|task))/.test(
                module,
              ),
          ),
      );
      expect(launcherModules).toEqual([]);
      expect(report.launchRefusal).toContain('launch() was called in node reporter/0');
      // A script the node forks gets the whole API and launches a program of its own.
      expect(JSON.parse(report.forkedResolves)).toEqual({
        resolved: pathToFileURL(join(ROOT, 'dist/index.js')).href,
        launched: true,
      });
      // The node side comes as one file (scripts/bundle.ts): a node reads it and the
      // three one-line modules that lead to it, where it read about 140 modules unbundled
      // and 35 in chunks of the launcher's bundle. `launchpad-ts/replay` is the same code.
      expect(libraryFiles.map((url) => url.slice(DIST_URL.length)).sort()).toEqual([
        'index-in-node.js',
        'node-bundle/node-side.js',
        'node/child-entry.js',
        'replay/index-in-node.js',
      ]);
      expect(report.sampled).toBe('an item');
      expect(report.replaySharesApi).toBe(true);

      // import.meta names the real file, so a data file beside it is found.
      expect(report.url, output).toBe(pathToFileURL(PROGRAM).href);
      expect(report.dirname).toBe(FIXTURE);
      expect(report.greeting).toBe('hello from a data file');

      // The remote error and the stack dump point at the user's own lines.
      expect(error, output).toContain('failed on purpose');
      expect(error).toContain(
        `at Reporter.fail (${PROGRAM}:${String(lineOf("throw new Error('failed"))}:`,
      );
      // The thread may be paused at any statement of spinFor: a line of its body, in the
      // user's file (the compiled module's lines are not the source's).
      const frame = dump.split('\n').find((line) => line.includes('spinFor')) ?? dump;
      const at = new RegExp(`^ {2}spinFor ${pathToFileURL(PROGRAM).href}:(\\d+):\\d+$`).exec(frame);
      expect(at, dump).not.toBeNull();
      const line = Number(at?.[1]);
      expect(line, dump).toBeGreaterThan(lineOf('export function spinFor'));
      expect(line, dump).toBeLessThanOrEqual(lineOf('return turns;'));
    }, 150_000);
  },
);
