/**
 * @module
 * The `slurm` launcher: the program becomes one Slurm job submitted with `sbatch`, one
 * task per node. Tasks reach the launcher's control plane for their spec, their peers'
 * addresses and the stop, and send their output and exit codes back over it, since no
 * shared filesystem is assumed. The launcher follows the job with `squeue` and cancels
 * it on stop, Ctrl-C, or a node's failure, so nothing is left in the queue.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { styleText } from 'node:util';
import { startControlPlane, type ControlPlane } from '../../session/control-plane.ts';
import type { ControlListener } from '../../session/control-service.ts';
import { LaunchpadError, RemoteError } from '../../../errors/errors.ts';
import { deferred } from '../../../internal/deferred.ts';
import { settlesWithin } from '../../../internal/within.ts';
import { nodeProcessArgs } from '../../../spawn/node-command.ts';
import type { LaunchSetup } from '../../session/launch-setup.ts';
import { jobComponents, renderBatchScript, SLURM_BOOTSTRAP_VARIABLE } from './batch-script.ts';
import { NodeStates } from './node-states.ts';
import { describeJobEnd, waitForJobEndCause } from './job-end-cause.ts';
import { cancelJob, cancelJobNow, submitBatch } from './slurm-cli.ts';
import { resolveGroupResources } from '../../options/slurm-options.ts';
import { outputPath, unreportedEnds } from './job-output.ts';
import { partitionsOf, slurmNetwork } from './slurm-network.ts';
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

/** Launches `program` as one Slurm job. */
export function launchSlurm(setup: LaunchSetup): void {
  const { program, options, ids, wireArgs, entry, secret, workdir, lifecycle, book } = setup;
  const slurm = options.slurm;
  const resources = resolveGroupResources(program, slurm);
  const components = jobComponents(program, resources);
  const tasks = components.flatMap((component) => component.tasks);
  // The launcher owns the job's output file unless the user named one.
  const output =
    slurm.output ?? join(process.cwd(), `lp-${program.name.replace(/[^\w.-]/g, '_')}-%j.out`);
  // A node may import the main script (its launcher code in lp.main()): same flags.
  const args = setup.args;
  const script = renderBatchScript({
    programName: program.name,
    jobName: slurm.jobName ?? `lp-${program.name}`,
    output,
    chdir: process.cwd(),
    components,
    // The code must be at the same path on every host that runs a task.
    taskCommand: [process.execPath, ...nodeProcessArgs([], args, 'node/slurm-task')],
  });
  if (options.dryRun) {
    options.stdout.write(script);
    lifecycle.endWithoutRunning();
    return;
  }

  const say = (line: string): void => {
    options.stderr.write(`launchpad-ts: ${line}\n`);
  };
  const states = new NodeStates(ids, say);
  const allEnded = deferred<undefined>();
  let plane: ControlPlane | undefined;
  let jobId: string | undefined;
  let follower: JobFollower | undefined;

  const nodeEnded = (nodeId: string, error: Error | undefined): void => {
    if (states.get(nodeId) === 'done' || states.get(nodeId) === 'failed') return;
    states.set([nodeId], error === undefined ? 'done' : 'failed');
    book.unregister(nodeId);
    lifecycle.nodeEnded(nodeId, error);
    if (states.unfinished().length === 0) allEnded.resolve(undefined);
  };
  // Nodes whose end (exit 143) waits for the job's state to explain it.
  const explaining = new Set<string>();
  const prefixes = new Map(ids.map((id, index) => [id, prefixFor(id, index, options.stdout)]));
  const listener: ControlListener = {
    output: (nodeId, stream, lines) => {
      // Squeue polls can miss a short task; a node that prints is running.
      states.set([nodeId], 'running');
      const target = stream === 'stderr' ? options.stderr : options.stdout;
      const prefix = prefixes.get(nodeId) ?? `[${nodeId}]`;
      for (const line of lines) target.write(`${prefix} ${line}\n`);
    },
    exited: (nodeId, code) => {
      const error = plane?.exitError(nodeId, { code, signal: null });
      if (code !== TERMINATED_FROM_OUTSIDE || error === undefined || jobId === undefined) {
        nodeEnded(nodeId, error);
        return;
      }
      // The task only saw a SIGTERM; the job's state says whether it was the time limit,
      // a failed node, preemption or someone's scancel.
      explaining.add(nodeId);
      void waitForJobEndCause(jobId).then((cause) => {
        explaining.delete(nodeId);
        nodeEnded(
          nodeId,
          cause === undefined
            ? error
            : new LaunchpadError('UNAVAILABLE', `${cause} ${error.message}`),
        );
      });
    },
  };

  // Whether the job's output file explains a node's end, and so is worth keeping.
  let keepOutput = false;
  // The job ended: nodes that never said how they ended did not end well. What their
  // task printed (a task that never reached the launcher could send nothing) is in the
  // job's output file.
  const endNow = (finalState: string): void => {
    const unreported: string[] = [];
    for (const nodeId of states.unfinished()) {
      // Its end is being explained from the job's state (exit code 143, above).
      if (explaining.has(nodeId)) continue;
      const reported = plane?.takeReportedFailure(nodeId);
      if (reported === undefined) unreported.push(nodeId);
      else nodeEnded(nodeId, withJobEndCause(new RemoteError(reported), finalState));
    }
    if (unreported.length === 0) return;
    keepOutput = true;
    const file = jobId === undefined ? undefined : outputPath(output, jobId);
    const job = { jobId: jobId ?? '?', finalState, file };
    for (const { nodeId, lines, error } of unreportedEnds(job, unreported, tasks)) {
      const prefix = prefixes.get(nodeId) ?? `[${nodeId}]`;
      for (const line of lines) options.stderr.write(`${prefix} ${line}\n`);
      nodeEnded(nodeId, withJobEndCause(error, finalState));
    }
  };
  // A task's report of its end may still be on its way when squeue shows the job ended:
  // give it a moment before taking its silence for an unexplained end.
  const onJobEnded = (finalState: string): void => {
    setTimeout(() => {
      endNow(finalState);
    }, REPORT_GRACE_MS);
  };
  const withJobEndCause = (error: Error, finalState: string): Error => {
    const state = finalState.split(/[ ,(]/)[0] ?? '';
    if (jobId === undefined || !ENDED_BY_CLUSTER.has(state)) return error;
    const cause = describeJobEnd(jobId, { component: 0, state, reason: '', nodes: '' });
    return new LaunchpadError('UNAVAILABLE', `${cause} ${error.message}`);
  };

  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts += 1;
    if (interrupts === 1) {
      say('stopping the program (Ctrl-C again to cancel the Slurm job at once).');
      void lifecycle.stop();
    } else if (jobId !== undefined) {
      cancelJobNow(jobId);
    }
  };
  const onTerminate = (): void => {
    void lifecycle.stop();
  };
  // Last resort: whatever ends the launcher's process cancels the job with it.
  const onExit = (): void => {
    if (jobId !== undefined && follower?.ended !== true) cancelJobNow(jobId);
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  process.on('exit', onExit);

  const submit = async (): Promise<void> => {
    const network = await slurmNetwork(slurm, partitionsOf(resources));
    plane = await startControlPlane({
      program,
      wireArgs,
      entry,
      launchType: 'slurm',
      workdir,
      lifecycle,
      book,
      secret,
      maxMessageBytes: options.maxMessageBytes,
      metrics: setup.metrics,
      diagnostics: setup.diagnostics,
      host: network.controlHost,
      advertiseHost: network.advertiseHost,
      // Nodes that reach the launcher from other hosts must be reachable from them too.
      ...(network.nodeBindHost === undefined ? {} : { nodeBindHost: network.nodeBindHost }),
      ...(network.nodeListen === undefined ? {} : { nodeListen: network.nodeListen }),
      ...(network.ports === undefined ? {} : { ports: network.ports }),
      unreachableHint: network.unreachableHint,
      forwardOutput: true,
      reportExit: true,
      listener,
    });
    if (lifecycle.stopping) return;
    const { nodeId: _unused, ...shared } = plane.bootstrap(ids[0] ?? '');
    say(
      `control server on ${plane.address} (${network.why})` +
        (shared.controlAddress === plane.address ? '.' : `, reached at ${shared.controlAddress}.`),
    );
    jobId = await submitBatch(script, {
      ...process.env,
      [SLURM_BOOTSTRAP_VARIABLE]: JSON.stringify(shared),
    });
    say(
      `submitted program ${program.name} as Slurm job ${jobId} (${String(ids.length)} nodes, ` +
        `${components.length === 1 ? 'one component' : `heterogeneous, ${String(components.length)} components`}).`,
    );
    follower = followJob({
      jobId,
      intervalMs: slurm.pollIntervalMs ?? 500,
      report: (line) => {
        say(`Slurm job ${jobId ?? '?'}: ${line}`);
      },
      onRunning: (component) => {
        const nodeIds = components[component]?.nodeIds ?? [];
        states.set(
          nodeIds.filter((id) => states.unfinished().includes(id)),
          'running',
        );
      },
      onEnded: onJobEnded,
    });
  };
  const submission = submit();

  lifecycle.attach({
    shutdown: async () => {
      await submission.catch(() => undefined);
      const job = jobId;
      if (job !== undefined && follower !== undefined) {
        // Running nodes have seen the stop; give them the grace period to end cleanly.
        if (states.anyStarted()) {
          await settlesWithin(
            Promise.race([allEnded.promise, follower.done]),
            options.terminationGraceMs,
          );
        }
        if (!follower.ended && states.unfinished().length === 0) {
          await settlesWithin(follower.done, NATURAL_END_MS);
        }
        if (!follower.ended) {
          say(`cancelling Slurm job ${job}.`);
          await cancelJob(job);
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
      }
      endNow('stopped');
      if (jobId !== undefined && slurm.output === undefined) {
        // The output file is the launcher's: kept only when it tells what the launcher
        // could not hear, how a node ended without reporting.
        const file = outputPath(output, jobId);
        if (!keepOutput) rmSync(file, { force: true });
        else if (existsSync(file)) say(`the output of Slurm job ${jobId} is kept in ${file}.`);
      }
      book.close(`program ${program.name} has stopped`);
      await plane?.close();
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      process.off('exit', onExit);
    },
  });
  submission.catch((error: unknown) => {
    lifecycle.fail(error instanceof Error ? error : new Error(String(error)));
  });
}

function prefixFor(nodeId: string, index: number, target: NodeJS.WritableStream): string {
  const colours = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'red'] as const;
  const prefix = `[${nodeId}]`;
  return (target as { isTTY?: boolean }).isTTY === true
    ? styleText(colours[index % colours.length] ?? 'cyan', prefix)
    : prefix;
}
