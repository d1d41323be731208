/**
 * Runs TypeScript scripts as child processes the way a user would (`tsx script.ts`), and
 * makes sure none outlives the test that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach } from 'vitest';

const require = createRequire(import.meta.url);
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const TSX_CLI = require.resolve('tsx/cli');

const started = new Set<ChildProcess>();
/** Scripts started in a process group of their own, which is killed as a whole. */
const groups = new Set<number>();

afterEach(() => {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  started.clear();
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // The group has ended.
    }
  }
  groups.clear();
});

/** A script started by {@link startScript}. */
export interface ScriptRun {
  /** The process. */
  readonly child: ChildProcess;
  /** Everything printed to stdout so far. */
  stdout(): string;
  /** Everything printed to stderr so far. */
  stderr(): string;
  /** Resolves when the process exits, with its code. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stdout contains `text`. */
  waitForOutput(text: string | RegExp): Promise<void>;
  /** Resolves once stderr contains `text`. */
  waitForError(text: string | RegExp): Promise<void>;
}

/** How {@link startScript} starts a script. */
export interface ScriptStart {
  /**
   * Run `tsx <script>` (tsx's command, which runs the script in a child process and relays
   * signals to it) in a process group of its own, as a terminal runs a command in its
   * foreground group; `child.pid` is then the group's id (see {@link interruptGroup}).
   */
  readonly tsxCommand?: boolean;
}

/**
 * Starts `node --import tsx <script> ...args` from the repository root, resolving
 * `launchpad-ts` to its sources like the tests do.
 */
export function startScript(
  script: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
  how: ScriptStart = {},
): ScriptRun {
  const child =
    how.tsxCommand === true
      ? spawn(process.execPath, [TSX_CLI, script, ...args], {
          cwd: ROOT,
          env: { ...process.env, NODE_OPTIONS: '--conditions=launchpad-ts-source', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        })
      : spawn(
          process.execPath,
          ['--conditions=launchpad-ts-source', '--import', TSX_LOADER, script, ...args],
          {
            cwd: ROOT,
            env: { ...process.env, ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
  started.add(child);
  if (how.tsxCommand === true && child.pid !== undefined) groups.add(child.pid);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const waitFor = (read: () => string, text: string | RegExp): Promise<void> =>
    new Promise((resolve, reject) => {
      const matches = (): boolean =>
        typeof text === 'string' ? read().includes(text) : text.test(read());
      const check = (): void => {
        if (matches()) {
          listeners.delete(check);
          resolve();
        }
      };
      listeners.add(check);
      check();
      void exited.then(() => {
        if (!matches())
          reject(
            new Error(
              `Script exited before printing ${String(text)}.\nstdout:\n${stdout}\nstderr:\n${stderr}`,
            ),
          );
      });
    });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForOutput: (text) => waitFor(() => stdout, text),
    waitForError: (text) => waitFor(() => stderr, text),
  };
}

/** Runs a script to its end and returns its exit code and output. */
export async function runScript(
  script: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startScript(script, args, env);
  const { code } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/**
 * Sends SIGINT to every process of the group `run` leads, as a terminal does on Ctrl-C
 * (the run must be started with `tsxCommand`).
 */
export function interruptGroup(run: ScriptRun): void {
  if (run.child.pid === undefined) throw new Error('The script has no process.');
  process.kill(-run.child.pid, 'SIGINT');
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
