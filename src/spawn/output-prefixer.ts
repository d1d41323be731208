/**
 * @module
 * Copies a node process's output to the launcher's, one line at a time, each prefixed
 * with the node id (coloured when the destination is a terminal).
 */
import { readline } from '../internal/lazy-builtins.ts';
import type { Readable, Writable } from 'node:stream';
import { styleText } from 'node:util';

const COLOURS = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'red'] as const;

/** The prefix for node number `index` with id `nodeId`. */
export function nodePrefix(
  nodeId: string,
  index: number,
  target: Writable,
  colour = (target as { isTTY?: boolean }).isTTY === true,
): string {
  const prefix = `[${nodeId}]`;
  return colour ? styleText(COLOURS[index % COLOURS.length] ?? 'cyan', prefix) : prefix;
}

/** Pipes `source` into `target` line by line; resolves when `source` ends. */
export function prefixLines(source: Readable, target: Writable, prefix: string): Promise<void> {
  const lines = readline().createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => {
    target.write(`${prefix} ${line}\n`);
  });
  return new Promise((resolve) => {
    lines.once('close', resolve);
  });
}
