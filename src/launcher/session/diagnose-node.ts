/**
 * @module
 * `running.stackDump()` and `running.cpuProfile()`: checks the node asked for, finds how
 * to reach it in the {@link DiagnosticsBook}, and bounds the wait. Under `in-process`,
 * nodes share the launcher's own thread, so that thread is what is shown.
 */
import { Session } from 'node:inspector';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LaunchpadError } from '../../errors/errors.ts';
import {
  formatStack,
  MAX_PROFILE_MS,
  type CpuProfile,
  type StackFrame,
  type StackSample,
} from '../../protocol/diagnostics.ts';
import type { LaunchType } from '../options/launch-types.ts';
import type { NodeStatus } from './program-lifecycle.ts';
import {
  DIAGNOSTICS_TIMEOUT_MS,
  DiagnosticsConnectionError,
  type DiagnosticsTarget,
} from './node-diagnostics.ts';
import type { DiagnosticsBook } from './node-diagnostics.ts';
import { mapCompiledFrame } from './typescript-nodes.ts';
import { thrownMessage } from '../../errors/thrown.ts';

/** What a diagnosis needs to know of the launch. */
export interface DiagnosedLaunch {
  readonly programName: string;
  readonly launchType: LaunchType;
  /** Each node's state, by id: every node of the program is here. */
  statuses(): ReadonlyMap<string, NodeStatus>;
  readonly book: DiagnosticsBook | undefined;
  /** True once the launch has begun to stop. */
  stopping(): boolean;
}

/**
 * How long a request whose connection failed waits for the launcher to learn that the
 * node's run ended, in milliseconds: the process's exit may reach it just after.
 */
const RUN_END_GRACE_MS = 1_000;

/** The profile's length when none is given, in milliseconds. */
export const DEFAULT_PROFILE_MS = 1_000;

/** The text of node `nodeId`'s current stack (see `RunningProgram.stackDump`). */
export async function stackDump(launch: DiagnosedLaunch, nodeId: string): Promise<string> {
  // Taken now, before any await cuts the caller off the stack.
  const caller = launch.launchType === 'in-process' ? callerFrames() : [];
  const found = targetOf(launch, nodeId, 'stackDump').then((target) =>
    target === LAUNCHER_THREAD
      ? { ...target, stack: () => Promise.resolve({ idle: false, frames: caller }) }
      : target,
  );
  const sample = bounded(
    { launch, nodeId, method: 'stackDump' },
    found.then(async (target) => ({ target, sample: await target.stack() })),
    DIAGNOSTICS_TIMEOUT_MS,
  );
  const { target, sample: taken } = await sample;
  // A node's compiled TypeScript is shown as the user wrote it.
  const frames = taken.frames.map(mapCompiledFrame);
  const { pid: sampledPid }: StackSample = taken;
  const pid = sampledPid === undefined ? '' : ` (pid ${String(sampledPid)})`;
  return formatStack(`node ${nodeId}: ${target.thread}${pid}`, { ...taken, frames });
}

/** A CPU profile of node `nodeId` (see `RunningProgram.cpuProfile`). */
export async function cpuProfile(
  launch: DiagnosedLaunch,
  nodeId: string,
  options: { readonly durationMs?: number } | undefined,
): Promise<CpuProfile> {
  const durationMs = options?.durationMs ?? DEFAULT_PROFILE_MS;
  if (!Number.isInteger(durationMs) || durationMs < 1 || durationMs > MAX_PROFILE_MS) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `cpuProfile(${nodeId}): options.durationMs must be a whole number of milliseconds from 1 to ${String(MAX_PROFILE_MS)}, got ${String(durationMs)}.`,
    );
  }
  return bounded(
    { launch, nodeId, method: 'cpuProfile' },
    targetOf(launch, nodeId, 'cpuProfile').then((target) => target.profile(durationMs)),
    durationMs + DIAGNOSTICS_TIMEOUT_MS,
  );
}

async function targetOf(
  launch: DiagnosedLaunch,
  nodeId: string,
  method: string,
): Promise<DiagnosticsTarget> {
  const statuses = launch.statuses();
  const status = statuses.get(nodeId);
  if (status === undefined) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `${method}(${nodeId}): program ${launch.programName} has no node ${nodeId}; its nodes are ${[...statuses.keys()].join(', ')}.`,
    );
  }
  if (status.state !== 'running') {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `${method}(${nodeId}): node ${nodeId} is ${status.state}, not running; only a running node has a stack to show.`,
    );
  }
  if (launch.launchType === 'in-process') return LAUNCHER_THREAD;
  if (launch.book === undefined) {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `${method}(${nodeId}): this launcher of program ${launch.programName} offers no stack dumps.`,
    );
  }
  // A node process says where its diagnostics thread is just after it registers; a run
  // that ends before it says so will not.
  const book = launch.book;
  let unsubscribe = (): void => undefined;
  const ended = new Promise<undefined>((resolve) => {
    unsubscribe = book.onEnd(nodeId, () => {
      resolve(undefined);
    });
  });
  try {
    const target = await Promise.race([book.when(nodeId), ended]);
    if (target !== undefined) return target;
  } finally {
    unsubscribe();
  }
  throw new LaunchpadError(
    'FAILED_PRECONDITION',
    `${method}(${nodeId}): node ${nodeId} ${endOf(launch, nodeId) ?? 'ended its run'} before it could be asked; ask again while it runs.`,
  );
}

// What was asked of which node of which launch, for the errors.
interface Asked {
  readonly launch: DiagnosedLaunch;
  readonly nodeId: string;
  readonly method: string;
}

async function bounded<T>(
  { launch, nodeId, method }: Asked,
  work: Promise<T>,
  ms: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new LaunchpadError(
          'DEADLINE_EXCEEDED',
          `${method}(${nodeId}): node ${nodeId} gave no answer within ${String(ms)} ms.`,
        ),
      );
    }, ms);
  });
  try {
    return await Promise.race([work, late]);
  } catch (error) {
    if (error instanceof LaunchpadError) throw error;
    throw await failure(launch, nodeId, method, error);
  } finally {
    clearTimeout(timer);
  }
}

// What a failed request says: that the node's run ended (or the launch is stopping) when
// it did, else what failed, each with what to do.
async function failure(
  launch: DiagnosedLaunch,
  nodeId: string,
  method: string,
  error: unknown,
): Promise<LaunchpadError> {
  const reason = thrownMessage(error);
  const ended =
    error instanceof DiagnosticsConnectionError ? await runEnd(launch, nodeId) : undefined;
  if (ended !== undefined) {
    return new LaunchpadError(
      'FAILED_PRECONDITION',
      `${method}(${nodeId}): node ${nodeId} ${ended} before it answered (${reason}); ask again while it runs${method === 'cpuProfile' ? ', for less time than it has left' : ''}.`,
      { cause: error },
    );
  }
  const check =
    error instanceof DiagnosticsConnectionError
      ? ` Node ${nodeId} is still running: try again; if it fails again, its log may say why.`
      : '';
  return new LaunchpadError('UNAVAILABLE', `${method}(${nodeId}): ${reason}.${check}`, {
    cause: error,
  });
}

// How the node's run ended, if it did: at once, or once the launcher learns it (the
// process's exit may come just after its connection closed).
async function runEnd(launch: DiagnosedLaunch, nodeId: string): Promise<string | undefined> {
  const now = endOf(launch, nodeId);
  if (now !== undefined || launch.book === undefined) return now;
  const book = launch.book;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe = (): void => undefined;
  await new Promise<void>((resolve) => {
    timer = setTimeout(resolve, RUN_END_GRACE_MS);
    unsubscribe = book.onEnd(nodeId, resolve);
  });
  clearTimeout(timer);
  unsubscribe();
  return endOf(launch, nodeId);
}

function endOf(launch: DiagnosedLaunch, nodeId: string): string | undefined {
  if (launch.stopping()) return `was stopped with program ${launch.programName}`;
  const state = launch.statuses().get(nodeId)?.state;
  return state === undefined || state === 'running' ? undefined : `ended its run (it is ${state})`;
}

// In-process nodes run on the thread that asks, so when a dump is taken no node code
// runs: the frames are the caller's own (whoever called stackDump). A profile is of that
// thread over the whole window, which does include every in-process node's work.
const LAUNCHER_THREAD: DiagnosticsTarget = {
  thread: `the launcher's own thread (in-process nodes share it; pid ${String(process.pid)}): the stack of the call that asked`,
  stack: () => Promise.resolve({ idle: false, frames: [] }),
  profile: (durationMs) => profileOwnThread(durationMs),
};

// V8's own text of this call's stack (`at name (file:line:column)`), read back as
// frames, without those of launchpad-ts's own diagnostics.
function callerFrames(): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of (new Error().stack ?? '').split('\n').slice(1)) {
    const match = /^\s*at (?:(.*?) \()?(.*):(\d+):(\d+)\)?$/.exec(line);
    if (match === null) continue;
    const file = match[2] ?? '';
    if (/[/\\](diagnose-node|running-program)\.[jt]s$/.test(file)) continue;
    frames.push({
      functionName: match[1] ?? '',
      url: isAbsolute(file) ? pathToFileURL(file).href : file,
      lineNumber: Number(match[3]) - 1,
      columnNumber: Number(match[4]) - 1,
    });
  }
  return frames;
}

async function profileOwnThread(durationMs: number): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      session.post(method, (error, result) => {
        if (error === null) resolve(result);
        else reject(error);
      });
    });
  try {
    await post('Profiler.enable');
    await post('Profiler.start');
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    const { profile } = (await post('Profiler.stop')) as { profile: CpuProfile };
    return profile;
  } finally {
    session.disconnect();
  }
}
