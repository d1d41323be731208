/**
 * The footprint benchmark's measurements, each of one program run: the memory of bare
 * Node processes and threads, of an idle program's nodes under `processes` and `threads`,
 * and of a service through a long run of calls.
 */
import { processMemory, rssByMapping, type ProcessMemory } from './process-memory.ts';
import { runAndMeasure, until } from './program-run.ts';
import { median } from '../stats.ts';

/** Nodes of the idle program (or the floor) in the program's `NODES` announcement. */
type NodeMap = Record<string, { pid: number }>;

/** One phase record of the phase probe. */
export interface PhaseRecord {
  readonly phase: string;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

/** The service's RSS through the long run, sampled after so many calls. */
export interface LongRun {
  readonly calls: number;
  readonly elapsedMs: number;
  readonly samples: readonly { calls: number; rss: number }[];
}

/** Nodes and bare processes of the benchmark: 8 producers and a consumer. */
export const PRODUCERS = 8;
// Memory still moves for a moment after the last call (the answer's buffers, timers);
// an idle node is measured once that has passed (BENCH_FOOTPRINT_SETTLE_MS; a longer wait
// lets V8's memory reducer run in the floors, and in the nodes if they are quiet enough).
const SETTLE_MS = Number(process.env['BENCH_FOOTPRINT_SETTLE_MS'] ?? 1_000);
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/** The median of each figure over `samples`. */
export function medianMemory(samples: readonly ProcessMemory[]): ProcessMemory {
  return {
    rss: median(samples.map((s) => s.rss)),
    pss: median(samples.map((s) => s.pss)),
    uss: median(samples.map((s) => s.uss)),
  };
}

/** Bare node processes (`bare`, the compiled floor script): each one's memory, and one's mappings. */
export async function bareProcesses(
  bare: string,
): Promise<{ each: ProcessMemory[]; mappings: Map<string, number> }> {
  return runAndMeasure([bare, 'processes', String(PRODUCERS + 1)], 'NODES', async (run) => {
    await settle();
    const pids = Object.values(run.value as Record<string, number>);
    return {
      each: pids.map((pid) => processMemory(pid)),
      mappings: rssByMapping(pids[0] ?? 0),
    };
  });
}

/**
 * The idle program (`idleProgram`: the arguments of `node` that run it) under `processes`:
 * each node process's memory, the launcher's, one node's mappings, and each node's phase
 * records from the probe (`probeUrl`).
 */
export async function nodeProcesses(
  idleProgram: readonly string[],
  probeUrl: string,
): Promise<{
  each: ProcessMemory[];
  launcher: ProcessMemory;
  phases: PhaseRecord[][];
  mappings: Map<string, number>;
}> {
  return runAndMeasure(
    [
      ...idleProgram,
      `--producers=${PRODUCERS}`,
      '--lp_launch_type=processes',
      `--probe=${probeUrl}`,
    ],
    'NODES',
    async (run) => {
      await settle();
      const pids = Object.values(run.value as NodeMap).map(({ pid }) => pid);
      const each = pids.map((pid) => processMemory(pid));
      const launcher = processMemory(run.child.pid ?? 0);
      const mappings = rssByMapping(pids[0] ?? 0);
      for (const pid of pids) process.kill(pid, 'SIGUSR2');
      const reports = (): RegExpMatchArray[] => [...run.output().matchAll(/FOOTPRINT (.*)$/gm)];
      await until(() => reports().length === pids.length, 'every node’s phase report');
      const phases = reports().map(
        (match) => (JSON.parse(match[1] ?? '{}') as { records: PhaseRecord[] }).records,
      );
      return { each, launcher, phases, mappings };
    },
  );
}

/** The RSS of the process running `args` once it has announced `NODES` and settled. */
async function processRss(args: readonly string[]): Promise<number> {
  return runAndMeasure(args, 'NODES', async (run) => {
    await settle();
    return processMemory(run.child.pid ?? 0).rss;
  });
}

/**
 * What one more thread adds to a process's RSS: from 2 threads to 9 in one process,
 * divided by 7, so the process's own memory and whatever the first thread alone brings
 * (the launcher's port broker) do not count. `argsFor(n)` runs n + 1 threads.
 */
async function rssPerThread(argsFor: (extra: number) => string[]): Promise<number> {
  const many = await processRss(argsFor(PRODUCERS));
  const few = await processRss(argsFor(1));
  return (many - few) / (PRODUCERS - 1);
}

/** What one more bare worker thread adds to a process (`bare`, the compiled floor script). */
export function bareWorkerAdds(bare: string): Promise<number> {
  return rssPerThread((extra) => [bare, 'threads', String(extra + 1)]);
}

/** What one more node thread adds to the launcher's process under `threads`. */
export function nodeThreadAdds(idleProgram: readonly string[]): Promise<number> {
  return rssPerThread((extra) => [
    ...idleProgram,
    `--producers=${extra}`,
    '--lp_launch_type=threads',
  ]);
}

/**
 * The long run (`longRun`, the compiled program) under `launchType`, its nodes with a
 * young generation of `semiSpaceMb` semi-spaces when given.
 */
export function longRunOf(
  longRun: string,
  launchType: string,
  budget: { readonly calls: number; readonly seconds: number; readonly semiSpaceMb?: number },
): Promise<LongRun> {
  const { calls, seconds, semiSpaceMb = 0 } = budget;
  return runAndMeasure(
    [
      longRun,
      `--calls=${calls}`,
      `--seconds=${seconds}`,
      `--lp_launch_type=${launchType}`,
      `--semi-space=${semiSpaceMb}`,
    ],
    'LONGRUN',
    (run) => Promise.resolve(run.value as LongRun),
    (seconds + 120) * 1_000,
  );
}
