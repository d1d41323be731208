/**
 * Compiling the footprint benchmark's scripts to JavaScript (under bench/.build, inside
 * the package, so that `import 'launchpad-ts'` resolves to its compiled dist/) and running
 * one of them until a line of its output announces the state to measure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * Compiles bench/footprint/`name`.ts and returns the path of its JavaScript, placed in
 * `packageRoot`/bench/.build/footprint (this package by default; another build of
 * launchpad-ts, such as the code before a change, to measure that one).
 */
export function compile(name: string, packageRoot = here('../../')): string {
  const { outputText } = ts.transpileModule(readFileSync(here(`${name}.ts`), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const build = join(packageRoot, 'bench/.build/footprint/');
  mkdirSync(build, { recursive: true });
  const path = `${build}${name}.js`;
  writeFileSync(path, outputText);
  return path;
}

/**
 * The arguments of `node` that run bench/footprint/`name`.ts as TypeScript through tsx, as
 * most users run their entry, from a copy in `packageRoot`/bench/.build/footprint.
 */
export function typeScriptEntry(name: string, packageRoot = here('../../')): string[] {
  const build = join(packageRoot, 'bench/.build/footprint/');
  mkdirSync(build, { recursive: true });
  const path = `${build}${name}.ts`;
  copyFileSync(here(`${name}.ts`), path);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, path];
}

/** A running script, stopped to its output's `marker` line. */
export interface Announced {
  readonly child: ChildProcess;
  /** The JSON after the marker. */
  readonly value: unknown;
  /** Everything the script wrote so far, and goes on writing, on stdout and stderr. */
  output(): string;
}

/**
 * Runs `node script args…`, calls `measure` once a line starts with `marker` (prefixed by
 * a node id or not), then ends the script with SIGINT (SIGKILL if it is still there after
 * `timeoutMs`) and returns what `measure` returned. The script is always ended.
 */
export async function runAndMeasure<T>(
  args: readonly string[],
  marker: string,
  measure: (run: Announced) => Promise<T>,
  timeoutMs = 180_000,
): Promise<T> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const value = await new Promise<unknown>((resolve, reject) => {
      const pattern = new RegExp(`^(?:\\[[^\\]]+\\] )?${marker} (.*)$`, 'm');
      const collect = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = pattern.exec(output);
        if (match?.[1] !== undefined) resolve(JSON.parse(match[1]));
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      void exited.then((code) => {
        reject(new Error(`node ${args.join(' ')} ended with ${String(code)}:\n${output}`));
      });
    });
    return await measure({ child, value, output: () => output });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
    clearTimeout(timer);
  }
}

/** Resolves once `check()` is true, polling every 20 ms, or rejects after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
