/**
 * @module
 * The `tmux` output mode: one tmux window per node, on a tmux server of the launch's own
 * (so the user's sessions are untouched and nothing of the launch survives it). A node's
 * exit code is written to a file by the window's shell, so a crash is detected in this
 * mode too (Launchpad misses it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unitEndingWith, type Unit, type UnitExit } from '../../../spawn/unit.ts';

const run = promisify(execFile);
const POLL_MS = 200;

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** What a window runs. */
export interface WindowCommand {
  /** The command and its arguments. */
  readonly argv: readonly string[];
  /** Variables added to the command's environment (visible in `ps`: nothing secret). */
  readonly env: Readonly<Record<string, string>>;
  /** A secret for the node, passed through a file only the user can read. */
  readonly privateData: { readonly variable: string; readonly content: string };
  /** The working directory. */
  readonly cwd: string;
}

/** A tmux server and session holding one window per node. */
export class TmuxSession {
  /** The session's (and the server socket's) name: `tmux -L <name> attach`. */
  readonly name: string;
  readonly #directory: string;
  // Windows are opened one at a time: the first one creates the server and the session.
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * @param name - the session and socket name
   * @param workdir - the launch's workdir; exit codes and bootstrap files go under it
   */
  constructor(name: string, workdir: string) {
    this.name = name;
    this.#directory = join(workdir, 'tmux');
  }

  /** The command that attaches a terminal to the session. */
  get attachCommand(): string {
    return `tmux -L ${this.name} attach -t ${this.name}`;
  }

  /** Runs `command` in a new window named `nodeId`. */
  startWindow(nodeId: string, command: WindowCommand): Promise<Unit> {
    const opened = this.#queue.then(() => this.#open(nodeId, command));
    this.#queue = opened.catch(() => undefined);
    return opened;
  }

  /** Ends the tmux server, with every window left in it. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#tmux(['kill-server']).catch(() => undefined);
  }

  async #open(nodeId: string, command: WindowCommand): Promise<Unit> {
    mkdirSync(this.#directory, { recursive: true, mode: 0o700 });
    const base = join(this.#directory, nodeId.replace(/\//g, '_'));
    const exitFile = `${base}.exit`;
    // A restarted node must not read the exit code of its previous run.
    rmSync(exitFile, { force: true });
    const dataFile = `${base}.bootstrap`;
    writeFileSync(dataFile, command.privateData.content, { mode: 0o600 });
    const assignments = Object.entries({
      ...command.env,
      [command.privateData.variable]: dataFile,
    }).map(([key, value]) => `${key}=${value}`);
    const line = ['env', ...assignments, ...command.argv].map(shellQuote).join(' ');
    const shellCommand = `${line}; echo $? > ${shellQuote(exitFile)}`;
    const sessionExists = await this.#tmux(['has-session', '-t', this.name]).then(
      () => true,
      () => false,
    );
    const placement = sessionExists
      ? ['new-window', '-d', '-t', this.name]
      : ['new-session', '-d', '-s', this.name, '-x', '200', '-y', '50'];
    const { stdout } = await this.#tmux([
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

  #tmux(args: readonly string[]): Promise<{ stdout: string }> {
    return run('tmux', ['-L', this.name, ...args]);
  }

  #follow(windowId: string, exitFile: string): Unit {
    let killed = false;
    const exited = new Promise<UnitExit>((resolve) => {
      const poll = async (): Promise<void> => {
        if (existsSync(exitFile)) {
          const code = Number(readFileSync(exitFile, 'utf8').trim());
          resolve({ code: Number.isNaN(code) ? null : code, signal: null });
          return;
        }
        const windows = await this.#tmux(['list-windows', '-a', '-F', '#{window_id}'])
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
    });
    return unitEndingWith(exited, () => {
      killed = true;
      this.#tmux(['kill-window', '-t', windowId]).catch(() => undefined);
    });
  }
}
