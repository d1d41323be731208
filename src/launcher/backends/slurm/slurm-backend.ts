/**
 * @module
 * The `slurm` backend: the program becomes one Slurm job submitted with `sbatch`, one task
 * per node (or colocation). Tasks reach the launcher's control plane for their spec, their
 * peers' addresses and the stop, and send their output and exit codes back over it, since
 * no shared filesystem is assumed. The launcher follows the job with `squeue` and cancels
 * it at the end, so nothing is left in the queue. A node restarted by its restart policy
 * runs again inside the job's allocation, as a new job step started with `srun`.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { styleText } from 'node:util';
import { LaunchpadError, RemoteError } from '../../../errors/errors.ts';
import { settlesWithin } from '../../../internal/within.ts';
import { nodeProcessArgs } from '../../../spawn/node-command.ts';
import { nodePrefix } from '../../../spawn/output-prefixer.ts';
import type { BackendFactory } from '../../session/launch-setup.ts';
import type { SessionContext, UnitStart } from '../../session/launch-session.ts';
import type { NodeRun } from '../../session/node-runs.ts';
import { unitEndingWith, type Unit, type UnitEnd } from '../../../spawn/unit.ts';
import {
  jobComponents,
  LAUNCHER_HOST_VARIABLE,
  LAUNCHER_PORT_VARIABLE,
  NODE_IDS_VARIABLE,
  renderBatchScript,
  SLURM_BOOTSTRAP_VARIABLE,
} from './batch-script.ts';
import {
  PYTHON_NODES_VARIABLE,
  SLURM_TASK_ENTRY,
  TASK_INDEX_VARIABLE,
  type SlurmPythonNodes,
} from './task/slurm-task-env.ts';
import { isPythonNode } from '../../../model/python-node.ts';
import type { Program } from '../../../model/program.ts';
import { describeJobEnd, waitForJobEndCause } from './job-end-cause.ts';
import { outputPath, unreportedEnds } from './job-output.ts';
import { partitionsOf, slurmNetwork, type SlurmNetwork } from './slurm-network.ts';
import { cancelJob, cancelJobNow, startStep, submitBatch } from './slurm-cli.ts';
import type { SlurmLaunch } from './descriptor/slurm-options.ts';
import { followJob, type JobFollower } from './job-follower.ts';

// The exit code of a task sent SIGTERM by the cluster (128 + 15), as a shell reports it.
const TERMINATED_FROM_OUTSIDE = 143;

// Job states that mean Slurm, not the launcher, ended the job.
const ENDED_BY_CLUSTER = new Set([
  'TIMEOUT',
  'NODE_FAIL',
  'PREEMPTED',
  'OUT_OF_MEMORY',
  'CANCELLED',
]);

// How long a task's report of its end may trail squeue's news that the job ended.
const REPORT_GRACE_MS = 2_000;

// After the nodes end, the job ends by itself within moments; wait that long before scancel.
const NATURAL_END_MS = 3_000;
const CANCEL_WAIT_MS = 60_000;

/** The backend that runs `setup` as one Slurm job, or prints its batch script. */
export const slurmBackend: BackendFactory<SlurmLaunch> = (setup, { options: slurm, resources }) => {
  const { program, options, ids } = setup;
  const components = jobComponents(program, resources);
  const tasks = components.flatMap((component) => component.tasks);
  // A node may import the main script (its launcher code in lp.main()): same flags.
  const args = setup.args;
  // The code must be at the same path on every host that runs a task.
  const taskCommand = [process.execPath, ...nodeProcessArgs([], args, SLURM_TASK_ENTRY)];
  const hold = [...setup.policies.values()].some((policy) => policy.mode !== 'never');
  // The launcher owns the job's output file unless the user named one.
  const output =
    slurm.output ?? join(process.cwd(), `lp-${program.name.replace(/[^\w.-]/g, '_')}-%j.out`);
  const script = renderBatchScript({
    programName: program.name,
    jobName: slurm.jobName ?? `lp-${program.name}`,
    output,
    chdir: process.cwd(),
    components,
    taskCommand,
    hold,
  });
  // Set by prepare(), before anything reaches the control plane.
  let session!: SessionContext;
  const say = (line: string): void => {
    session.say(line);
  };
  let jobId: string | undefined;
  let follower: JobFollower | undefined;
  let taskEnv: NodeJS.ProcessEnv = {};
  let network: SlurmNetwork | undefined;
  // Nodes running as a job step of their own (restarted ones), which can be ended alone.
  const ownSteps = new Set<string>();
  let jobRan = false;
  const prefixes = new Map(ids.map((id, index) => [id, nodePrefix(id, index, options.stdout)]));
  // Runs whose end (exit 143) waits for the job's state to explain it.
  const explaining = new Set<NodeRun>();
  // Whether the job's output file explains a node's end, and so is worth keeping.
  let keepOutput = false;
  const withJobEndCause = (error: Error, finalState: string): Error => {
    const state = finalState.split(/[ ,(]/)[0] ?? '';
    if (jobId === undefined || !ENDED_BY_CLUSTER.has(state)) return error;
    const cause = describeJobEnd(jobId, { component: 0, state, reason: '', nodes: '' });
    return new LaunchpadError('UNAVAILABLE', `${cause} ${error.message}`);
  };
  // The job ended: runs that never said how they ended did not end well. What their task
  // printed (a task that never reached the launcher could send nothing) is in the job's
  // output file.
  const endNow = (finalState: string): void => {
    const unreported: string[] = [];
    for (const nodeId of ids) {
      const run = session.run(nodeId);
      if (run.hasEnded || explaining.has(run)) continue;
      const reported = session.plane.takeReportedFailure(nodeId);
      if (reported === undefined) unreported.push(nodeId);
      else run.end({ error: withJobEndCause(new RemoteError(reported), finalState) });
    }
    if (unreported.length === 0) return;
    keepOutput = true;
    const file = jobId === undefined ? undefined : outputPath(output, jobId);
    const job = { jobId: jobId ?? '?', finalState, file };
    for (const { nodeId, lines, error } of unreportedEnds(job, unreported, tasks)) {
      const prefix = prefixes.get(nodeId) ?? `[${nodeId}]`;
      for (const line of lines) options.stderr.write(`${prefix} ${line}\n`);
      session.run(nodeId).end({ error: withJobEndCause(error, finalState) });
    }
  };
  // A task's report of its end may still be on its way when squeue shows the job ended:
  // give it a moment before taking its silence for an unexplained end.
  const onJobEnded = (finalState: string): void => {
    setTimeout(() => {
      endNow(finalState);
    }, REPORT_GRACE_MS);
  };

  let cancelling: Promise<void> | undefined;
  /** Cancels the job, once. */
  const cancel = (job: string): Promise<void> => {
    if (cancelling === undefined) {
      say(`cancelling Slurm job ${job}.`);
      cancelling = cancelJob(job);
    }
    return cancelling;
  };

  const firstRun = ({ run }: UnitStart): Unit<UnitEnd> => {
    // One task of the job's first step cannot be ended alone: ending it ends the job.
    return unitEndingWith(run.ended, () => {
      if (jobId !== undefined && follower?.ended !== true) void cancel(jobId);
    });
  };

  const restartedRun = ({ nodeId, run }: UnitStart): Unit<UnitEnd> => {
    // A node restarted runs as a job step of its own, which can be ended alone. The step
    // ends this run only: its srun may exit after the task's report has ended the run and
    // the node has restarted, and must not end the run that replaced it.
    ownSteps.add(nodeId);
    const taskIndex = tasks.indexOf(nodeId);
    const hetGroup = components.findIndex((component) => component.nodeIds.includes(nodeId));
    const step = startStep(
      {
        jobId: jobId ?? '',
        ...(components.length > 1 ? { hetGroup } : {}),
        output,
      },
      taskCommand,
      { ...taskEnv, [TASK_INDEX_VARIABLE]: String(taskIndex) },
    );
    let stderr = '';
    step.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2_000);
    });
    step.once('error', (error) => {
      run.end({ error: new LaunchpadError('UNKNOWN', `Cannot run srun: ${error.message}`) });
    });
    step.once('close', (code, signal) => {
      if (code !== 0 && stderr.trim() !== '') say(`srun for ${nodeId}: ${stderr.trim()}`);
      run.end({ code, signal });
    });
    // srun passes the signal on to its task.
    return unitEndingWith(run.ended, () => {
      step.kill('SIGTERM');
    });
  };

  const startRun = (launch: UnitStart): Unit<UnitEnd> =>
    launch.restart === 0 ? firstRun(launch) : restartedRun(launch);

  return {
    announceStates: true,
    submission: { render: () => script },
    colocationUnit: 'Slurm task',
    controlPlane: async () => {
      const chosen = await slurmNetwork(slurm, partitionsOf(resources));
      network = chosen;
      return {
        host: chosen.controlHost,
        advertiseHost: chosen.advertiseHost,
        // Nodes that reach the launcher from other hosts must be reachable from them too.
        ...(chosen.nodeBindHost === undefined ? {} : { nodeBindHost: chosen.nodeBindHost }),
        ...(chosen.nodeListen === undefined ? {} : { nodeListen: chosen.nodeListen }),
        ...(chosen.ports === undefined ? {} : { ports: chosen.ports }),
        unreachableHint: chosen.unreachableHint,
        // Nodes on the same host reach each other over Unix sockets; others, over TCP.
        unixSockets: true,
        forwardOutput: true,
        reportExit: true,
        listener: {
          // A node that prints runs, even if squeue missed the job's short run.
          output: () => {
            jobRan = true;
          },
          exited: (nodeId, code) => {
            jobRan = true;
            // A task reports before it exits, so before its step ends: the report is
            // the current run's.
            const run = session.run(nodeId);
            const error = session.plane.exitError(nodeId, { code, signal: null });
            if (code !== TERMINATED_FROM_OUTSIDE || error === undefined || jobId === undefined) {
              run.end({ error });
              return;
            }
            // The task only saw a SIGTERM; the job's state says whether it was the time
            // limit, a failed node, preemption or someone's scancel.
            explaining.add(run);
            void waitForJobEndCause(jobId).then((cause) => {
              explaining.delete(run);
              run.end({
                error:
                  cause === undefined
                    ? error
                    : new LaunchpadError('UNAVAILABLE', `${cause} ${error.message}`),
              });
            });
          },
        },
      };
    },
    prepare: async (context) => {
      session = context;
      const { plane } = context;
      const { nodeId: _unused, ...shared } = plane.bootstrap(ids[0] ?? '');
      say(
        `control server on ${plane.address}${network === undefined ? '' : ` (${network.why})`}` +
          (shared.controlAddress === plane.address
            ? '.'
            : `, reached at ${shared.controlAddress}.`),
      );
      const { host, port } = splitAddress(shared.controlAddress);
      taskEnv = {
        ...process.env,
        [SLURM_BOOTSTRAP_VARIABLE]: JSON.stringify(shared),
        [NODE_IDS_VARIABLE]: JSON.stringify(tasks),
        ...pythonNodesVariable(program, options.python),
        [LAUNCHER_HOST_VARIABLE]: host,
        [LAUNCHER_PORT_VARIABLE]: port,
      };
      const id = await submitBatch(script, taskEnv);
      jobId = id;
      say(
        `submitted program ${program.name} as Slurm job ${id} (${String(ids.length)} nodes, ` +
          `${components.length === 1 ? 'one component' : `heterogeneous, ${String(components.length)} components`}).`,
      );
      follower = followJob({
        jobId: id,
        intervalMs: slurm.pollIntervalMs ?? 500,
        report: (line) => {
          say(`Slurm job ${id}: ${line}`);
        },
        onRunning: () => {
          jobRan = true;
        },
        onEnded: onJobEnded,
      });
    },
    start: startRun,
    // A Python node's task starts its interpreter (node/python-task.ts): it runs in the
    // job like any node, never as a process of the launcher.
    startPython: startRun,
    nothingStarted: () => !jobRan,
    // A task of the job's first step cannot be ended alone: Slurm ends the step with it.
    restartRefusal: (nodeId) =>
      ownSteps.has(nodeId)
        ? undefined
        : "it runs as a task of the Slurm job's first step, which Slurm cannot end alone (a node restarted by its restart policy runs as a step of its own, and can be)",
    killAll: () => {
      if (jobId !== undefined && follower?.ended !== true) cancelJobNow(jobId);
    },
    release: async () => {
      const job = jobId;
      if (job === undefined || follower === undefined) return;
      // A job that holds its allocation for restarts never ends by itself.
      if (!follower.ended && !hold) await settlesWithin(follower.done, NATURAL_END_MS);
      if (!follower.ended) {
        await cancel(job);
        if (!(await settlesWithin(follower.done, CANCEL_WAIT_MS))) {
          say(
            styleText(
              'red',
              `Slurm job ${job} is still in squeue ${String(CANCEL_WAIT_MS)} ms after scancel.`,
            ),
          );
        }
      }
      follower.close();
      if (slurm.output === undefined) {
        // The output file is the launcher's: kept only when it tells what the launcher
        // could not hear, how a node ended without reporting.
        const file = outputPath(output, job);
        if (!keepOutput) rmSync(file, { force: true });
        else if (existsSync(file)) say(`the output of Slurm job ${job} is kept in ${file}.`);
      }
    },
  };
};

/** The host and port of a `host:port` address (an IPv6 host in brackets or not). */
function splitAddress(address: string): { host: string; port: string } {
  const colon = address.lastIndexOf(':');
  return {
    host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
    port: address.slice(colon + 1),
  };
}

// Which tasks run Python nodes, and with which interpreter; nothing when there are none.
function pythonNodesVariable(program: Program, interpreter: string): Record<string, string> {
  const nodeIds = program.nodes.filter(isPythonNode).map((node) => node.id);
  if (nodeIds.length === 0) return {};
  const value: SlurmPythonNodes = { interpreter, nodeIds };
  return { [PYTHON_NODES_VARIABLE]: JSON.stringify(value) };
}
