/**
 * @module
 * The `tmux` output mode: one tmux window per node in a session named after the
 * program. A node's exit code is written to a file by the window's shell, so a crash is
 * detected in this mode too (Launchpad misses it).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LaunchpadError } from '../../errors.ts';
import type { UnitExit, StartedUnit } from '../../control/supervised-launch.ts';

const run = promisify(execFile);
const POLL_MS = 200;

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A tmux session holding one window per node. */
export class TmuxSession {
  /** The session's name, for `tmux attach -t <name>`. */
  readonly name: string;
  readonly #exitDirectory: string;
  #created = false;

  /**
   * @param name - the session name
   * @param workdir - the launch's workdir; exit codes are written under it
   */
  constructor(name: string, workdir: string) {
    this.name = name;
    this.#exitDirectory = join(workdir, 'exit-codes');
  }

  /** Throws a clear error when tmux is not installed. */
  static checkInstalled(): void {
    const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
    if (probe.error !== undefined || probe.status !== 0) {
      throw new LaunchpadError(
        'FAILED_PRECONDITION',
        'Output mode "tmux" needs tmux, which was not found on PATH; install it (apt-get install tmux) or use another output mode.',
      );
    }
  }

  /** Runs `argv` with `env` in a new window named `nodeId`. */
  async startWindow(
    nodeId: string,
    command: { argv: readonly string[]; env: Readonly<Record<string, string>>; cwd: string },
  ): Promise<StartedUnit> {
    mkdirSync(this.#exitDirectory, { recursive: true });
    const exitFile = join(this.#exitDirectory, nodeId.replace(/\//g, '_'));
    const assignments = Object.entries(command.env).map(([key, value]) => `${key}=${value}`);
    const line = ['env', ...assignments, ...command.argv].map(shellQuote).join(' ');
    const shellCommand = `${line}; echo $? > ${shellQuote(exitFile)}`;
    const placement = this.#created
      ? ['new-window', '-d', '-t', this.name]
      : ['new-session', '-d', '-s', this.name, '-x', '200', '-y', '50'];
    this.#created = true;
    const { stdout } = await run('tmux', [
      ...placement,
      '-n',
      nodeId,
      '-c',
      command.cwd,
      '-P',
      '-F',
      '#{window_id}',
      shellCommand,
    ]);
    return this.#follow(stdout.trim(), exitFile);
  }

  /** Ends the session and every window left in it. */
  async close(): Promise<void> {
    if (this.#created) await run('tmux', ['kill-session', '-t', this.name]).catch(() => undefined);
  }

  #follow(windowId: string, exitFile: string): StartedUnit {
    let running = true;
    let killed = false;
    const exited = new Promise<UnitExit>((resolve) => {
      const poll = async (): Promise<void> => {
        if (existsSync(exitFile)) {
          const code = Number(readFileSync(exitFile, 'utf8').trim());
          resolve({ code: Number.isNaN(code) ? null : code, signal: null });
          return;
        }
        const windows = await run('tmux', ['list-windows', '-t', this.name, '-F', '#{window_id}'])
          .then(({ stdout }) => stdout.split('\n'))
          .catch(() => [] as string[]);
        if (!windows.includes(windowId) && !existsSync(exitFile)) {
          // The window went away without recording an exit code: it was killed.
          resolve({ code: null, signal: killed ? 'SIGKILL' : 'SIGHUP' });
          return;
        }
        setTimeout(() => void poll(), POLL_MS);
      };
      void poll();
    }).finally(() => {
      running = false;
    });
    return {
      exited,
      get running() {
        return running;
      },
      kill: () => {
        killed = true;
        void run('tmux', ['kill-window', '-t', windowId]).catch(() => undefined);
      },
    };
  }
}
