/**
 * @module
 * Runs one launch's API for as long as the launch runs: the log tail fed by the output tap
 * (or the log files), the live view, the history in the working directory, the record in
 * the launch registry, and the HTTP server. Loaded with `import()` by
 * `start-launch-api.ts` once a launch starts.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { serveLaunchApi } from './api-server.ts';
import { HistoryWriter } from './history-writer.ts';
import type { LaunchRecord } from './launch-record.ts';
import { writeLaunchRecord } from './launch-registry.ts';
import { LiveView } from './live-view.ts';
import { followLogFiles } from './log-files.ts';
import { LogTail } from './log-tail.ts';
import { runningActions } from './node-actions.ts';
import { programShape } from './program-graph.ts';
import type { LaunchApiContext } from './start-launch-api.ts';
import { thrownMessage } from '../../errors/thrown.ts';

/** Serves the launch API of `context`'s launch until it ends; resolves once it listens. */
export async function runLaunchApi(context: LaunchApiContext): Promise<{ pageUrl: string }> {
  const { setup, stderr } = context;
  const { running } = context;
  const token = randomBytes(24).toString('base64url');
  const tail = new LogTail(setup.ids);
  const warn = (message: string): void => {
    stderr.write(`${message}\n`);
  };
  const history = new HistoryWriter(setup.workdir, warn);
  context.tap.read((line) => {
    tail.add(line.nodeId, {
      t: new Date(line.time).toISOString(),
      stream: line.stream,
      text: line.text,
    });
  });
  const stopFollowing =
    setup.options.output === 'output-to-files'
      ? followLogFiles(join(setup.workdir, 'logs'), tail)
      : undefined;
  const startedAt = new Date().toISOString();
  const info = {
    id: basename(setup.workdir),
    programName: setup.program.name,
    launchType: setup.launchType,
    workdir: setup.workdir,
    script: process.argv[1] ?? '',
    pid: process.pid,
    startedAt,
  };
  const metrics = setup.metrics === undefined ? undefined : () => running.metrics();
  const shape = programShape(setup.program, setup.wireArgs);
  history.writeGraph({
    nodes: shape.nodes,
    edges: shape.edges.map((edge) => ({ ...edge, callsPerSec: 0 })),
  });
  const view = new LiveView({
    info,
    shape,
    tail,
    statuses: () => running.nodes(),
    deathCauseOf: (nodeId) => setup.lifecycle.deathCauseOf(nodeId),
    metrics,
    done: running.wait(),
    history,
  });
  const actions = runningActions(running, setup.lifecycle);
  let server;
  try {
    server = await serveLaunchApi({ view, token, actions, port: context.port });
  } catch (error) {
    view.close();
    stopFollowing?.();
    throw error;
  }
  // The page's URL is not recorded: it holds the token, and apiUrl and token make it.
  const record: LaunchRecord = { ...info, host: hostname(), apiUrl: server.url, token };
  writeRecord(record, history, warn);
  if (context.print) stderr.write(`launchpad-ts: dashboard at ${server.pageUrl}\n`);
  const listening = server;
  void running
    .wait()
    .catch(() => undefined)
    .finally(() => {
      stopFollowing?.();
      view.close();
      const { outcome, endedAt } = view.outcome;
      writeRecord(
        {
          ...record,
          endedAt: endedAt ?? new Date().toISOString(),
          outcome: outcome === 'failed' ? 'failed' : 'stopped',
        },
        history,
        warn,
      );
      void listening.close();
    });
  return { pageUrl: server.pageUrl };
}

function writeRecord(
  record: LaunchRecord,
  history: HistoryWriter,
  warn: (message: string) => void,
): void {
  history.writeLaunch(record);
  try {
    writeLaunchRecord(record);
  } catch (error) {
    warn(
      `launchpad-ts: cannot write the launch registry (${thrownMessage(error)}); \`launchpad-ts ls\` will not list this launch.`,
    );
  }
}
