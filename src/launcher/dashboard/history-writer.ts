/**
 * @module
 * {@link HistoryWriter}: appends a running launch's events, metric samples and log lines
 * to `<workdir>/history/` as they happen. Lines are buffered and written every
 * {@link FLUSH_INTERVAL_MS}, so a launcher killed with SIGKILL loses at most that much
 * (what was written is in the kernel's page cache, which outlives the process).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GraphView, LaunchEvent } from './launch-view.ts';
import type { LogLine } from './log-tail.ts';
import { historyPaths, type MetricsLine } from './history-files.ts';
import { writeJsonAtomically, type LaunchRecord } from './launch-record.ts';

/** How often buffered lines are written, in milliseconds. */
export const FLUSH_INTERVAL_MS = 500;

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
    mkdirSync(dirname(this.#paths.log('x/0')), { recursive: true });
    this.#timer = setInterval(() => {
      this.flush();
    }, FLUSH_INTERVAL_MS);
    // The history never keeps a launcher alive.
    this.#timer.unref();
  }

  /** Writes the launch's record (without its token), replacing the previous one. */
  writeLaunch(record: LaunchRecord): void {
    const { token: _token, ...withoutToken } = record;
    this.#guard(() => {
      writeJsonAtomically(this.#paths.launch, withoutToken, 0o644);
    });
  }

  /** Writes the program's graph (its nodes and handles), once. */
  writeGraph(graph: GraphView): void {
    this.#guard(() => {
      writeJsonAtomically(this.#paths.graph, graph, 0o644);
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
        mkdirSync(dirname(path), { recursive: true });
        appendFileSync(path, text);
      });
    }
  }

  /** Writes what is buffered and stops the timer. */
  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }

  #queue(path: string, value: unknown): void {
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
      this.#warn(
        `launchpad-ts: cannot write the launch's history (${error instanceof Error ? error.message : String(error)}); the launch goes on without it.`,
      );
    }
  }
}
