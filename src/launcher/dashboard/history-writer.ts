/**
 * @module
 * {@link HistoryWriter}: appends a running launch's events, metric samples and log lines
 * to `<workdir>/history/` as they happen. Lines are buffered and written every
 * {@link FLUSH_INTERVAL_MS}, so a launcher killed with SIGKILL loses at most that much
 * (what was written is in the kernel's page cache, which outlives the process).
 *
 * The history is its user's alone: `history/` and `history/logs/` are 0700 and every file
 * 0600, since node output and metrics may say more than their owner would show. It never
 * holds the launch's token. It is best effort: a working directory where it cannot be
 * written (read-only, full, a file named `history`) turns it off with one warning, and
 * the launch goes on.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkOwnFolder, FolderRefused } from '../../internal/private-folder.ts';
import type { GraphView, LaunchEvent } from './launch-view.ts';
import type { LogLine } from './log-tail.ts';
import { historyDirectory, historyPaths, type MetricsLine } from './history-files.ts';
import { historyCopy, writeJsonAtomically, type LaunchRecord } from './launch-record.ts';
import { thrownMessage } from '../../errors/thrown.ts';

/** How often buffered lines are written, in milliseconds. */
export const FLUSH_INTERVAL_MS = 500;

/** The mode of the history's folders. */
export const HISTORY_DIRECTORY_MODE = 0o700;
/** The mode of the history's files. */
export const HISTORY_FILE_MODE = 0o600;

/** Appends one launch's history. */
export class HistoryWriter {
  readonly #paths: ReturnType<typeof historyPaths>;
  // Lines waiting to be written, by file.
  readonly #pending = new Map<string, string[]>();
  readonly #timer: NodeJS.Timeout;
  #failed = false;
  readonly #warn: (message: string) => void;

  /**
   * @param workdir - the launch's working directory
   * @param warn - told once if the history cannot be written (the launch goes on)
   */
  constructor(workdir: string, warn: (message: string) => void) {
    this.#paths = historyPaths(workdir);
    this.#warn = warn;
    this.#guard(() => {
      const directory = historyDirectory(workdir);
      mkdirSync(directory, { recursive: true, mode: HISTORY_DIRECTORY_MODE });
      // mkdir's mode applies only to a folder it creates: a reused workdir's is made
      // private, and one that is a link or another user's is not written into.
      try {
        checkOwnFolder(directory, HISTORY_DIRECTORY_MODE);
      } catch (error) {
        if (error instanceof FolderRefused) throw new Error(`${directory}: ${error.message}`);
        throw error;
      }
    });
    this.#timer = setInterval(() => {
      this.flush();
    }, FLUSH_INTERVAL_MS);
    // The history never keeps a launcher alive.
    this.#timer.unref();
  }

  /** False once the history could not be written (it is then off for the launch). */
  get writing(): boolean {
    return !this.#failed;
  }

  /** Writes the launch's record (without its token), replacing the previous one. */
  writeLaunch(record: LaunchRecord): void {
    this.#guard(() => {
      writeJsonAtomically(this.#paths.launch, historyCopy(record), HISTORY_FILE_MODE);
    });
  }

  /** Writes the program's graph (its nodes and handles), once. */
  writeGraph(graph: GraphView): void {
    this.#guard(() => {
      writeJsonAtomically(this.#paths.graph, graph, HISTORY_FILE_MODE);
    });
  }

  /** Appends an event. */
  event(event: LaunchEvent): void {
    this.#queue(this.#paths.events, event);
  }

  /** Appends a node's metric sample. */
  metrics(line: MetricsLine): void {
    this.#queue(this.#paths.metrics, line);
  }

  /** Appends a line `nodeId` printed. */
  log(nodeId: string, line: LogLine): void {
    this.#queue(this.#paths.log(nodeId), line);
  }

  /** Writes every buffered line now. */
  flush(): void {
    for (const [path, lines] of this.#pending) {
      if (lines.length === 0) continue;
      const text = lines.join('');
      lines.length = 0;
      this.#guard(() => {
        mkdirSync(dirname(path), { recursive: true, mode: HISTORY_DIRECTORY_MODE });
        appendFileSync(path, text, { mode: HISTORY_FILE_MODE });
      });
    }
  }

  /** Writes what is buffered and stops the timer. */
  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }

  #queue(path: string, value: unknown): void {
    // Off: nothing is kept for a history that cannot be written.
    if (this.#failed) return;
    let lines = this.#pending.get(path);
    if (lines === undefined) {
      lines = [];
      this.#pending.set(path, lines);
    }
    lines.push(`${JSON.stringify(value)}\n`);
  }

  #guard(write: () => void): void {
    if (this.#failed) return;
    try {
      write();
    } catch (error) {
      this.#failed = true;
      this.#pending.clear();
      this.#warn(
        `launchpad-ts: cannot write the launch's history in ${dirname(this.#paths.launch)} (${thrownMessage(error)}); history is off for this launch, which goes on without it.`,
      );
    }
  }
}
