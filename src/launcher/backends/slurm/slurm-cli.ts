/**
 * @module
 * The Slurm commands the launcher runs: `sbatch` to submit, `squeue` to follow the job,
 * `scancel` to end it, `srun` to start a restarted node inside the job. The command-line tools are used rather than slurmrestd because
 * every Slurm installation has them and they need no extra daemon or token.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { LaunchpadError } from '../../../errors/errors.ts';

/** Slurm job states after which nothing of the job runs any more. */
const FINISHED_STATES = new Set([
  'BOOT_FAIL',
  'CANCELLED',
  'COMPLETED',
  'DEADLINE',
  'FAILED',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'REVOKED',
  'TIMEOUT',
]);

/** The state of one job component, as `squeue` reports it. */
export interface ComponentState {
  /** The component's index (0 for a job that is not heterogeneous). */
  readonly component: number;
  /** Slurm's state name, e.g. `PENDING`, `RUNNING`, `COMPLETED`. */
  readonly state: string;
  /** Slurm's reason, e.g. `Resources` for a pending job. */
  readonly reason: string;
  /** The Slurm nodes it was given, as Slurm writes a node list (`n[1-2]`), or empty. */
  readonly nodes: string;
}

/** True once a component in `state` runs nothing any more. */
export function isFinished(state: string): boolean {
  return FINISHED_STATES.has(state);
}

/** How long sbatch may take to submit a job. */
const SBATCH_TIMEOUT_MS = 60_000;

/**
 * Submits `script` with `sbatch --parsable`; the submitter's environment (and so the
 * control plane's address and secret in `env`) goes to the job.
 *
 * @returns the job id
 */
export function submitBatch(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sbatch', ['--parsable'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    // sbatch retries for ever while slurmctld is down; a launch (and its stop) must not.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, SBATCH_TIMEOUT_MS);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', (error) => {
      reject(
        new LaunchpadError(
          'FAILED_PRECONDITION',
          `Cannot run sbatch (${error.message}); the slurm launch type needs Slurm's client tools on PATH.`,
        ),
      );
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const jobId = stdout.trim().split(';')[0] ?? '';
      if (code === 0 && /^\d+$/.test(jobId)) resolve(jobId);
      else {
        const how = timedOut
          ? `did not answer within ${String(SBATCH_TIMEOUT_MS / 1000)} s (is slurmctld up?)`
          : signal !== null
            ? `was killed by ${signal}`
            : `exited with code ${String(code)}`;
        reject(
          new LaunchpadError(
            'FAILED_PRECONDITION',
            `sbatch ${how} without submitting the job: ${stderr.trim() || stdout.trim() || '(no output)'}`,
          ),
        );
      }
    });
    child.stdin.end(script);
  });
}

/**
 * The job's components and their states, `[]` once Slurm no longer knows the job (it
 * forgets finished jobs after `MinJobAge`), or `undefined` when squeue could not answer.
 */
export function jobStates(jobId: string): Promise<ComponentState[] | undefined> {
  return new Promise((resolve) => {
    execFile(
      'squeue',
      ['--noheader', '--states=all', `--jobs=${jobId}`, '--format=%i|%T|%r|%N'],
      { timeout: 10_000 },
      (error, stdout, stderr) => {
        if (error !== null) {
          // squeue refuses a job id it has forgotten: the job is gone. Any other failure
          // (a busy or restarting controller) says nothing about the job: ask again later.
          resolve(/invalid job id/i.test(stderr) ? [] : undefined);
          return;
        }
        resolve(
          stdout
            .split('\n')
            .filter((line) => line.includes('|'))
            .map((line) => {
              const [id = '', state = '', reason = '', nodes = ''] = line.trim().split('|');
              const plus = id.indexOf('+');
              return {
                component: plus < 0 ? 0 : Number(id.slice(plus + 1)),
                state,
                reason,
                nodes,
              };
            }),
        );
      },
    );
  });
}

/** Cancels the job (every component); resolves once `scancel` has returned. */
export function cancelJob(jobId: string): Promise<void> {
  return new Promise((resolve) => {
    execFile('scancel', [jobId], { timeout: 10_000 }, () => {
      resolve();
    });
  });
}

/** Cancels the job synchronously: the last resort when the launcher's process exits. */
export function cancelJobNow(jobId: string): void {
  spawnSync('scancel', [jobId], { timeout: 5_000, stdio: 'ignore' });
}

/**
 * The addresses Slurm reaches the nodes of `partitions` (all partitions when undefined)
 * at: each node's `NodeAddr`, a name or an address. Empty when sinfo cannot answer.
 */
export function nodeAddresses(partitions: readonly string[] | undefined): Promise<string[]> {
  const args = ['--noheader', '--Node', '--format=%o'];
  if (partitions !== undefined) args.push(`--partition=${partitions.join(',')}`);
  return new Promise((resolve) => {
    execFile('sinfo', args, { timeout: 10_000 }, (error, stdout) => {
      resolve(
        error === null
          ? stdout
              .split('\n')
              .map((line) => line.trim())
              .filter((line) => line !== '')
          : [],
      );
    });
  });
}

/** Where a new job step runs inside a job. */
export interface StepPlace {
  /** The job. */
  readonly jobId: string;
  /** The component of a heterogeneous job, else unset. */
  readonly hetGroup?: number;
  /** Where the step's output goes (a file, or `/dev/null`). */
  readonly output: string;
}

/**
 * Starts `command` as one task of a new step inside a running job's allocation. The step
 * overlaps the job's other steps: the first step keeps its CPUs until all of its tasks
 * end, so a step that waited for free CPUs would never start.
 */
export function startStep(
  place: StepPlace,
  command: readonly string[],
  env: NodeJS.ProcessEnv,
): ChildProcess {
  const [program = 'node', ...args] = command;
  return spawn(
    'srun',
    [
      `--jobid=${place.jobId}`,
      ...(place.hetGroup === undefined ? [] : [`--het-group=${String(place.hetGroup)}`]),
      '--overlap',
      '--nodes=1',
      '--ntasks=1',
      `--output=${place.output}`,
      '--open-mode=append',
      program,
      ...args,
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
}
