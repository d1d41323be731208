/**
 * Runs the `launchpad-ts` command as a user would, from its sources through tsx (with the
 * package condition that resolves `launchpad-ts` to `src/`), and makes sure no run
 * outlives the test that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach } from 'vitest';
import { ROOT } from './scripts.ts';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CLI_MAIN = 'src/cli/main.ts';

const started = new Set<ChildProcess>();

afterEach(() => {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  started.clear();
});

/** A run of the command. */
export interface CliRun {
  readonly child: ChildProcess;
  /** Everything printed to stdout so far. */
  stdout(): string;
  /** Everything printed to stderr so far. */
  stderr(): string;
  /** Resolves when the command ends, with its exit code and all it printed. */
  readonly ended: Promise<CliResult>;
  /** Resolves once stdout contains `text`. */
  waitForOutput(text: string): Promise<void>;
}

/** Where the command runs (the repository root by default) and how long it may take. */
export interface CliOptions {
  readonly cwd?: string;
  /** Killed after this at the latest. @default 60000 */
  readonly timeoutMs?: number;
}

/** How a run of the command ended. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Starts `launchpad-ts ...args` from the repository root, with `env` added to this
 * process's environment. Killed after `timeoutMs` at the latest.
 */
export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  options: number | CliOptions = {},
): CliRun {
  const { timeoutMs = 60_000, cwd = ROOT } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const child = spawn(
    process.execPath,
    ['--conditions=launchpad-ts-source', '--import', TSX_LOADER, join(ROOT, CLI_MAIN), ...args],
    { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  started.add(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of waiters) waiter();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const ended = new Promise<CliResult>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      for (const waiter of waiters) waiter();
      resolve({ code, stdout, stderr });
    });
  });
  const waitForOutput = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (stdout.includes(text)) {
          waiters.delete(check);
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          waiters.delete(check);
          reject(new Error(`launchpad-ts ended before printing ${text}:\n${stdout}\n${stderr}`));
        }
      };
      waiters.add(check);
      check();
    });
  return { child, stdout: () => stdout, stderr: () => stderr, ended, waitForOutput };
}

/** Runs `launchpad-ts ...args` to its end. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  options?: number | CliOptions,
): Promise<CliResult> {
  return startCli(args, env, options).ended;
}
