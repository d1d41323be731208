/**
 * @module
 * How a node process or thread receives its {@link ChildBootstrap}, which holds the
 * launch's secret. Each way leaves nothing that another user of the machine can read:
 *
 * - a local node process reads it from an inherited pipe (`LP_BOOTSTRAP_FD` names the
 *   descriptor), never from its environment, which `/proc/<pid>/environ` shows for the
 *   life of the process;
 * - a node thread gets it as `workerData`;
 * - a tmux window reads it from a file only the user can read, deleted once read;
 * - a cluster task (Slurm, Kubernetes) gets it in `LP_BOOTSTRAP`, because the
 *   cluster starts the process and nothing else reaches it (see docs/cluster.md).
 */
import { closeSync, readFileSync, rmSync } from 'node:fs';
import { isMainThread, workerData } from 'node:worker_threads';
import { LaunchpadError } from '../errors/errors.ts';
import { childBootstrapShape } from '../protocol/bootstrap-shapes.ts';
import { decodeBootstrap } from './bootstrap-decoder.ts';
import {
  BOOTSTRAP_FD_VARIABLE,
  BOOTSTRAP_FILE_VARIABLE,
  BOOTSTRAP_VARIABLE,
  BOOTSTRAP_WORKER_KEY,
  type ChildBootstrap,
} from '../protocol/node-spec.ts';

function fromWorkerData(): string | undefined {
  if (isMainThread || typeof workerData !== 'object' || workerData === null) return undefined;
  const raw: unknown = Reflect.get(workerData, BOOTSTRAP_WORKER_KEY);
  return typeof raw === 'string' ? raw : undefined;
}

function fromPipe(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const fd = Number(variable);
  if (!Number.isInteger(fd) || fd < 0) return undefined;
  try {
    // The launcher writes the bootstrap and closes its end right after the spawn; a
    // launcher that died first leaves an empty pipe, which is refused below.
    return readFileSync(fd, 'utf8');
  } finally {
    // The node's own children must not inherit the pipe.
    closeSync(fd);
  }
}

function fromFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * Takes this node's bootstrap from wherever its launcher put it, and removes every trace
 * of it from the environment, so the processes the node starts do not inherit it.
 *
 * @throws LaunchpadError `FAILED_PRECONDITION` when the process was not started by a
 * launcher, or its launcher died before handing the bootstrap over
 */
export function takeBootstrap(): ChildBootstrap {
  const env = process.env;
  const fdVariable = env[BOOTSTRAP_FD_VARIABLE];
  const file = env[BOOTSTRAP_FILE_VARIABLE];
  const variable = env[BOOTSTRAP_VARIABLE];
  for (const name of [BOOTSTRAP_FD_VARIABLE, BOOTSTRAP_FILE_VARIABLE, BOOTSTRAP_VARIABLE]) {
    Reflect.deleteProperty(env, name);
  }
  const sources: [string, () => string | undefined][] = [
    [`workerData.${BOOTSTRAP_WORKER_KEY}`, fromWorkerData],
    [`the pipe ${BOOTSTRAP_FD_VARIABLE} names`, () => fromPipe(fdVariable)],
    [`the file ${BOOTSTRAP_FILE_VARIABLE} names`, () => fromFile(file)],
    [BOOTSTRAP_VARIABLE, () => variable],
  ];
  let found: { source: string; raw: string } | undefined;
  for (const [source, read] of sources) {
    const raw = read();
    if (raw !== undefined) {
      found = { source, raw };
      break;
    }
  }
  if (found === undefined || found.raw === '') {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      fdVariable === undefined
        ? 'This script is started by launchpad-ts for one node; it was given no bootstrap.'
        : 'The launcher ended before it handed this node process its bootstrap.',
    );
  }
  return decodeBootstrap<ChildBootstrap>(found.raw, found.source, childBootstrapShape);
}
