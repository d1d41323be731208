/**
 * @module
 * `launchpad-ts status`: a running launch and its nodes (state, restarts, resources, call
 * rates); with `--diagnose`, a JSON diagnosis and an exit code that says whether every
 * node is healthy.
 */
import type { Command } from 'commander';
import { EXIT } from './cli-error.ts';
import { diagnose } from './diagnose.ts';
import type { LaunchInfo, NodeInfo } from './launch-api.ts';
import { LAUNCH_OPTION, targetLaunch } from './launch-target.ts';
import { positiveNumber } from './option-values.ts';
import { textTable } from './text-table.ts';

interface StatusOptions {
  readonly launch?: string;
  readonly json?: true;
  readonly diagnose?: true;
  readonly probeTimeout: number;
  readonly maxDelay: number;
}

/** The mark of a process-wide figure shared by several nodes. */
function shared(node: NodeInfo): string {
  return node.sharedProcess === true ? '*' : '';
}

/** A figure, or `-` when the node did not report it. */
function figure(value: number | undefined, format: (value: number) => string): string {
  return value === undefined ? '-' : format(value);
}

function nodeRow(node: NodeInfo): string[] {
  return [
    node.id,
    node.notReporting === true ? `${node.state} (not reporting)` : node.state,
    String(node.restarts),
    figure(node.pid, String),
    figure(node.uptimeMs, (ms) => `${Math.round(ms / 1000)}s`),
    // Under threads and in-process these are the whole process's, shared by its nodes.
    figure(node.cpuPercent, (percent) => `${percent.toFixed(0)}%${shared(node)}`),
    figure(node.rssBytes, (bytes) => `${(bytes / 2 ** 20).toFixed(0)}MiB${shared(node)}`),
    figure(node.heapUsedBytes, (bytes) => `${(bytes / 2 ** 20).toFixed(0)}MiB`),
    figure(node.eventLoopUtilization, (elu) => elu.toFixed(2)),
    node.callsPerSec.toFixed(1),
    figure(node.p50Ms, (ms) => ms.toFixed(1)),
    figure(node.p99Ms, (ms) => ms.toFixed(1)),
    String(node.errors),
    node.deathCause ?? '',
  ];
}

/** Adds `status` to the `launchpad-ts` command. */
export function registerStatus(cli: Command): void {
  cli
    .command('status')
    .description('show a running launch and its nodes')
    .option(LAUNCH_OPTION.flags, LAUNCH_OPTION.description)
    .option('--json', 'print the launch and its nodes as JSON')
    .option(
      '--diagnose',
      'print a JSON diagnosis; exit with 3 when a node is failed, restarting, unresponsive or blocked',
    )
    .option(
      '--probe-timeout <seconds>',
      'with --diagnose: how long a node may take to answer',
      positiveNumber,
      5,
    )
    .option(
      '--max-delay <ms>',
      "with --diagnose: the event-loop delay (p99) above which a node's loop counts as blocked",
      positiveNumber,
      1_000,
    )
    .addHelpText(
      'after',
      `
--diagnose probes each running node with a stack dump: a node that does not answer in
time counts as unresponsive. A node whose event loop is blocked (no metrics report for
5 s although its diagnostics thread answers, or an event-loop delay over --max-delay)
counts as blocked, with the frame it is in. Exit codes: 0 healthy, 1 no launch to look
at, 2 no launch of this project or several, 3 unhealthy.

Examples:
  $ launchpad-ts status
  $ launchpad-ts status --launch consumer_producers-20261130-160102 --json
  $ launchpad-ts status --diagnose || echo 'something is wrong'`,
    )
    .action(async (options: StatusOptions) => {
      const api = targetLaunch(options.launch);
      if (options.diagnose === true) {
        const diagnosis = await diagnose(api, {
          probeTimeoutMs: options.probeTimeout * 1000,
          maxDelayMs: options.maxDelay,
        });
        process.stdout.write(`${JSON.stringify(diagnosis, null, 2)}\n`);
        if (!diagnosis.healthy) process.exitCode = EXIT.unhealthy;
        return;
      }
      const [launch, { nodes }] = await Promise.all([
        api.json<LaunchInfo>('/api/launch'),
        api.json<{ nodes: NodeInfo[] }>('/api/nodes'),
      ]);
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ launch, nodes }, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `Launch ${launch.id}: program ${launch.programName}, ${launch.launchType}, ${launch.outcome}, ` +
          `started ${launch.startedAt}, pid ${launch.pid}\nWorkdir ${launch.workdir}\n\n`,
      );
      process.stdout.write(
        textTable(
          [
            'NODE',
            'STATE',
            'RESTARTS',
            'PID',
            'UPTIME',
            'CPU',
            'RSS',
            'HEAP',
            'ELU',
            'CALLS/S',
            'P50MS',
            'P99MS',
            'ERRORS',
            'DEATH CAUSE',
          ],
          nodes.map(nodeRow),
        ),
      );
      if (nodes.some((node) => node.sharedProcess === true)) {
        process.stdout.write(
          "\n* the whole process's figure, shared by every node in it (threads, in-process); HEAP and ELU are the node's own.\n",
        );
      }
    });
}
