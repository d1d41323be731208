/**
 * @module
 * Why Slurm ended a job the launcher did not end: its time limit, a failed node,
 * preemption, memory, or someone else's `scancel`. A task only sees a SIGTERM; the job's
 * state says which, so the launcher can tell the user what happened and what to change.
 */
import { isFinished, jobStates, type ComponentState } from './slurm-cli.ts';

/** How long to wait for Slurm to record why a job it is ending ends. */
const CAUSE_WAIT_MS = 3_000;
const CAUSE_POLL_MS = 200;

/** The cause of a job's end, from one finished component's state, in words. */
export function describeJobEnd(jobId: string, component: ComponentState): string {
  const on = component.nodes === '' ? '' : ` on ${component.nodes}`;
  switch (component.state) {
    case 'TIMEOUT':
      return (
        `Slurm ended job ${jobId} at its time limit (TIMEOUT). ` +
        'Raise the slurm option `time` (in `defaults` or for the group).'
      );
    case 'NODE_FAIL':
      return `Slurm ended job ${jobId} because a node it ran on failed (NODE_FAIL${on}).`;
    case 'PREEMPTED':
      return `Slurm preempted job ${jobId} (PREEMPTED${on}) for a job of higher priority.`;
    case 'OUT_OF_MEMORY':
      return (
        `Slurm ended job ${jobId}: it ran out of memory (OUT_OF_MEMORY${on}). ` +
        'Raise the slurm option `memory`.'
      );
    case 'CANCELLED':
      return `Slurm job ${jobId} was cancelled from outside the launcher (CANCELLED: scancel by someone else or an administrator).`;
    default:
      return `Slurm job ${jobId} ended (${component.state}${component.reason === '' || component.reason === 'None' ? '' : `, ${component.reason}`}${on}).`;
  }
}

/**
 * Waits a moment for Slurm to record that job `jobId` is ending, and says why; `undefined`
 * when the job is still running after the wait (its task was ended some other way).
 */
export async function waitForJobEndCause(jobId: string): Promise<string | undefined> {
  for (let waited = 0; waited <= CAUSE_WAIT_MS; waited += CAUSE_POLL_MS) {
    const components = await jobStates(jobId);
    const ended = components?.find((component) => isFinished(component.state));
    if (ended !== undefined) return describeJobEnd(jobId, ended);
    await new Promise((resolve) => setTimeout(resolve, CAUSE_POLL_MS));
  }
  return undefined;
}
