/**
 * @module
 * Follows a Slurm job with `squeue` until it has left the queue: reports its state when
 * it changes, and says when the job runs and when it has ended.
 */
import { deferred } from '../../../internal/deferred.ts';
import { isFinished, jobStates } from './slurm-cli.ts';

/** What to follow and whom to tell. */
export interface FollowOptions {
  /** The job. */
  readonly jobId: string;
  /** Milliseconds between two polls. */
  readonly intervalMs: number;
  /** Prints a state change, e.g. `PENDING (Resources)`. */
  report(line: string): void;
  /** Some component of the job is running. */
  onRunning(): void;
  /** The job has ended in `finalState` (or is no longer known to Slurm). */
  onEnded(finalState: string): void;
}

/** A job being followed. */
export interface JobFollower {
  /** True once the job has left the queue. */
  readonly ended: boolean;
  /** Resolves once the job has left the queue. */
  readonly done: Promise<void>;
  /** Stops polling. */
  close(): void;
}

/** Starts following `options.jobId`. */
export function followJob(options: FollowOptions): JobFollower {
  const done = deferred<undefined>();
  let ended = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let lastReport = '';

  const poll = async (): Promise<void> => {
    const components = await jobStates(options.jobId);
    if (closed) return;
    if (components === undefined) {
      timer = setTimeout(() => void poll(), options.intervalMs);
      return;
    }
    const summary = components
      .map(({ state, reason }) =>
        reason === '' || reason === 'None' ? state : `${state} (${reason})`,
      )
      .join(', ');
    if (summary !== lastReport && summary !== '') {
      lastReport = summary;
      options.report(summary);
    }
    if (components.some(({ state }) => state === 'RUNNING' || state === 'COMPLETING')) {
      options.onRunning();
    }
    if (components.every(({ state }) => isFinished(state))) {
      ended = true;
      options.onEnded(
        components.map(({ state }) => state).join(', ') || 'no longer known to Slurm',
      );
      done.resolve(undefined);
      return;
    }
    timer = setTimeout(() => void poll(), options.intervalMs);
  };
  void poll();
  return {
    get ended() {
      return ended;
    },
    done: done.promise,
    close: () => {
      closed = true;
      clearTimeout(timer);
    },
  };
}
