/**
 * @module
 * {@link OutputTap}: reads, line by line, what nodes print through the launch's `stdout`
 * and `stderr` options, while every byte still reaches those streams unchanged.
 *
 * Every launch type that copies node output to the launcher (node processes and threads,
 * colocation hosts, Slurm tasks over the control plane, Pods' logs) writes it there as
 * `[<node id>] <line>`, the prefix coloured on a terminal. Tapping those two streams is
 * therefore the one place that sees every node's output, whatever the backend. This file
 * is loaded by `launch()` itself, so it holds no more than the tap: what the dashboard
 * does with the lines loads later, with the dashboard.
 */
import { Writable } from 'node:stream';
import { cutLine } from './log-tail.ts';

/** One line a node printed. */
export interface TappedLine {
  /** The node that printed it. */
  readonly nodeId: string;
  /** Which of its streams. */
  readonly stream: 'stdout' | 'stderr';
  /** The line, without the prefix and the newline. */
  readonly text: string;
  /** When the launcher saw it, ms since the epoch. */
  readonly time: number;
}

// Lines kept while nobody reads them yet (the dashboard loads after the first nodes may
// have printed), in lines and in characters; beyond this the oldest are dropped.
const EARLY_LINES = 2_000;
const EARLY_CHARS = 2 * 1024 * 1024;
// Colour escapes around the prefix, on a terminal.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
// `s`: a line may hold U+2028 or U+2029, which `.` would not match without it.
const PREFIXED = /^\[([^\]\s]+)\] ?(.*)$/s;

/** Taps the two output streams of one launch. */
export class OutputTap {
  readonly #nodeIds: ReadonlySet<string>;
  #reader: ((line: TappedLine) => void) | undefined;
  readonly #early: TappedLine[] = [];
  #earlyChars = 0;

  /** @param nodeIds - the program's nodes: a line with any other prefix is not a node's */
  constructor(nodeIds: readonly string[]) {
    this.#nodeIds = new Set(nodeIds);
  }

  /** `options` with its `stdout` and `stderr` tapped. */
  wrap<
    T extends { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream },
  >(options: T): T {
    return {
      ...options,
      stdout: this.#tap(options.stdout, 'stdout'),
      stderr: this.#tap(options.stderr, 'stderr'),
    };
  }

  /** Hands every line seen so far, then each new one, to `reader` (one reader). */
  read(reader: (line: TappedLine) => void): void {
    this.#reader = reader;
    this.#earlyChars = 0;
    for (const line of this.#early.splice(0)) reader(line);
  }

  #tap(target: NodeJS.WritableStream, stream: 'stdout' | 'stderr'): Writable {
    let partial = '';
    const tapped = new Writable({
      write: (chunk: Buffer | string, _encoding, callback) => {
        const text = partial + chunk.toString();
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        // A line without its end yet is held back, but never without bound.
        if (partial.length > 65_536) {
          lines.push(partial);
          partial = '';
        }
        for (const line of lines) this.#see(line, stream);
        // Straight through, as if written to the destination itself: the backends that
        // write here never wait for back-pressure, so neither does the tap (waiting would
        // hold lines back from a destination nobody reads, such as a test's stream).
        target.write(chunk);
        callback();
      },
    });
    // Backends colour prefixes when the destination is a terminal; keep telling them.
    Object.defineProperty(tapped, 'isTTY', {
      get: () => (target as { isTTY?: boolean }).isTTY === true,
    });
    return tapped;
  }

  #see(raw: string, stream: 'stdout' | 'stderr'): void {
    const match = PREFIXED.exec(raw.replace(ANSI, ''));
    const nodeId = match?.[1];
    if (nodeId === undefined || !this.#nodeIds.has(nodeId)) return;
    // Cut here already, so neither the lines held early nor any reader keeps a long one.
    const line = { nodeId, stream, text: cutLine(match?.[2] ?? ''), time: Date.now() };
    if (this.#reader !== undefined) {
      this.#reader(line);
      return;
    }
    this.#early.push(line);
    this.#earlyChars += line.text.length;
    while (this.#early.length > EARLY_LINES || this.#earlyChars > EARLY_CHARS) {
      this.#earlyChars -= this.#early.shift()?.text.length ?? 0;
    }
  }
}
