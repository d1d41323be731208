/**
 * @module
 * The job's output file, which the launcher owns: what each task printed, labelled with
 * its task number by `srun --label`. A task that never reached the launcher could send
 * nothing over the control connection, so this file is the only place its error is.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { LaunchpadError } from '../../../errors/errors.ts';
import type { SlurmTask } from './batch-script.ts';

/** The lines of the output file, by task number; `srun`'s own lines have none. */
export interface JobOutput {
  readonly byTask: ReadonlyMap<number, readonly string[]>;
  readonly unlabelled: readonly string[];
}

// The end of the file is what matters: a task's last words.
const TAIL_BYTES = 64 * 1024;
const LABEL = /^\s*(\d+): ?(.*)$/;

/** The output file of job `jobId` whose path is `pattern` (with Slurm's `%j`). */
export function outputPath(pattern: string, jobId: string): string {
  return pattern.replace(/%j/g, jobId);
}

/** Reads the last 64 KiB of `path`; `undefined` when it is not there (no shared filesystem). */
export function readJobOutput(path: string): JobOutput | undefined {
  let text: string;
  try {
    const size = statSync(path).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buffer, 0, length, size - length);
    } finally {
      closeSync(fd);
    }
    text = buffer.toString('utf8');
  } catch {
    return undefined;
  }
  const byTask = new Map<number, string[]>();
  const unlabelled: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const match = LABEL.exec(line);
    if (match === null) {
      unlabelled.push(line);
      continue;
    }
    const task = Number(match[1]);
    const lines = byTask.get(task) ?? [];
    lines.push(match[2] ?? '');
    byTask.set(task, lines);
  }
  return { byTask, unlabelled };
}

/** How a node that never reported its end ended, as far as its task's output tells. */
export interface UnreportedEnd {
  readonly nodeId: string;
  /** What its task printed (the end of it). */
  readonly lines: readonly string[];
  /** The node's error. */
  readonly error: LaunchpadError;
}

// What launchpad-ts itself prints in a task (a node that cannot reach its launcher).
const OWN_LINE = /^launchpad-ts\b/;

/**
 * The ends of `nodeIds`, which never told the launcher how they ended, from the job's
 * output file `file` (`undefined` when there is none). Nodes whose task explained itself
 * come first: Slurm ended the others because of them (`--kill-on-bad-exit`), so the
 * program's error is the one that says what went wrong.
 */
export function unreportedEnds(
  job: { readonly jobId: string; readonly finalState: string; readonly file: string | undefined },
  nodeIds: readonly string[],
  tasks: readonly SlurmTask[],
): UnreportedEnd[] {
  const written = job.file === undefined ? undefined : readJobOutput(job.file);
  const ends = nodeIds.map((nodeId) => {
    const task = tasks.findIndex((t) =>
      typeof t === 'string' ? t === nodeId : t.nodeIds.includes(nodeId),
    );
    const lines = (written?.byTask.get(task) ?? []).slice(-20);
    const own = lines.filter((line) => OWN_LINE.test(line));
    const ended = `Slurm job ${job.jobId} ended (${job.finalState}) before node ${nodeId} reported how it ended.`;
    const detail =
      lines.length > 0
        ? ` Its task said: ${(own.length > 0 ? own : lines).slice(-3).join(' / ')}`
        : written === undefined && job.file !== undefined
          ? ` Its task's output, in ${job.file}, is not readable here: set the slurm option \`output\` to a path the launcher shares with the cluster.`
          : ' Its task printed nothing.';
    return {
      nodeId,
      lines,
      own: own.length > 0,
      error: new LaunchpadError('UNKNOWN', ended + detail),
    };
  });
  return [...ends.filter((end) => end.own), ...ends.filter((end) => !end.own)].map(
    ({ nodeId, lines, error }) => ({ nodeId, lines, error }),
  );
}
