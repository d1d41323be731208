/**
 * The footprint benchmark's tables: the targets against their floors, a node process's
 * start phase by phase, where its RSS lies, the long run, before and now, and what an
 * idle node's heap holds.
 */
import { realpathSync } from 'node:fs';
import { median } from '../stats.ts';
import type { LongRun, PhaseRecord } from './measurements.ts';
import type { ProcessMemory } from './process-memory.ts';

const MB = 1024 * 1024;
const mb = (bytes: number): string => (bytes / MB).toFixed(1);
const times = (value: number, floor: number): string => (value / floor).toFixed(2);

/** One build's idle figures (medians over the rounds). */
interface BuildSummary {
  readonly nodeProcess: ProcessMemory;
  readonly launcher: ProcessMemory;
  readonly nodeThreadAdds: number;
}

/** The idle figures against bare Node, with the targets. */
export function printFootprint(
  summary: {
    readonly bareProcess: ProcessMemory;
    readonly bareWorkerAdds: number;
    readonly now: BuildSummary;
  },
  rounds: number,
): void {
  const { bareProcess, bareWorkerAdds, now } = summary;
  const node = now.nodeProcess;
  console.log(`\nFootprint: an idle node against bare Node (median of ${rounds} rounds)`);
  console.table({
    'node process, RSS': {
      MB: mb(node.rss),
      'floor MB': mb(bareProcess.rss),
      '× floor': times(node.rss, bareProcess.rss),
      target: '≤ 2, < 80 MB',
      met: node.rss <= 2 * bareProcess.rss && node.rss < 80 * MB,
    },
    'node process, PSS': {
      MB: mb(node.pss),
      'floor MB': mb(bareProcess.pss),
      '× floor': times(node.pss, bareProcess.pss),
    },
    'node process, USS': {
      MB: mb(node.uss),
      'floor MB': mb(bareProcess.uss),
      '× floor': times(node.uss, bareProcess.uss),
    },
    'launcher process (processes), RSS': { MB: mb(now.launcher.rss) },
    'added per node thread, RSS': {
      MB: mb(now.nodeThreadAdds),
      'floor MB': mb(bareWorkerAdds),
      '× floor': times(now.nodeThreadAdds, bareWorkerAdds),
      target: '≤ 3',
      met: now.nodeThreadAdds <= 3 * bareWorkerAdds,
    },
  });
}

const PHASES = ['node-booted', 'library-loaded', 'spec-fetched', 'code-loaded', 'serving', 'idle'];

/** A node process's memory at each phase of its start; returns the table printed. */
export function printPhases(
  phases: readonly (readonly PhaseRecord[])[],
): Record<string, Record<string, string>> {
  const table = Object.fromEntries(
    PHASES.map((phase) => {
      const records = phases.flatMap((node) => node.filter((r) => r.phase === phase));
      const at = (field: 'rss' | 'heapTotal' | 'heapUsed' | 'external'): string =>
        mb(median(records.map((r) => r[field])));
      return [
        phase,
        {
          'RSS MB': at('rss'),
          'heap total MB': at('heapTotal'),
          'heap used MB': at('heapUsed'),
          'external MB': at('external'),
        },
      ];
    }),
  );
  console.log('\nA node process at each phase of its start (median over its nodes)');
  console.table(table);
  return table;
}

/** RSS by kind of mapping: Node's binary (shared by every Node process), other files, the rest. */
function byKind(groups: ReadonlyMap<string, number>): Map<string, number> {
  const binary = realpathSync(process.execPath);
  const kinds = new Map<string, number>();
  for (const [name, bytes] of groups) {
    const kind =
      name === binary
        ? 'node binary (shared)'
        : name.startsWith('/')
          ? 'other files (shared libraries)'
          : 'anonymous (heaps, stacks)';
    kinds.set(kind, (kinds.get(kind) ?? 0) + bytes);
  }
  return kinds;
}

/** Where one node process's RSS lies, against one bare node process's. */
export function printMappings(mappings: {
  readonly bare: ReadonlyMap<string, number>;
  readonly node: ReadonlyMap<string, number>;
}): void {
  const node = byKind(mappings.node);
  const floor = byKind(mappings.bare);
  console.log('\nRSS by mapping, one node process against one bare node process (MB)');
  console.table(
    Object.fromEntries(
      [...node].map(([kind, bytes]) => [kind, { node: mb(bytes), bare: mb(floor.get(kind) ?? 0) }]),
    ),
  );
}

/** The end / first ratio of a long run. */
const growthOf = (run: LongRun): number =>
  (run.samples.at(-1)?.rss ?? Number.NaN) / (run.samples[0]?.rss ?? Number.NaN);

/** The long runs: the service's RSS after 10,000 calls, at the end, and at its peak. */
export function printLongRuns(
  runs: Readonly<Record<string, LongRun>>,
  calls: number,
  seconds: number,
): void {
  console.log(
    `\nThe long run: RSS of the called service's process (${calls} calls, ≤ ${seconds} s)`,
  );
  console.table(
    Object.fromEntries(
      Object.entries(runs).map(([name, run]) => [
        name,
        {
          calls: run.calls,
          'calls/s': Math.round(run.calls / (run.elapsedMs / 1_000)),
          'RSS at 10k MB': mb(run.samples[0]?.rss ?? Number.NaN),
          'RSS at end MB': mb(run.samples.at(-1)?.rss ?? Number.NaN),
          'peak MB': mb(Math.max(...run.samples.map((s) => s.rss))),
          'end / 10k': growthOf(run).toFixed(2),
          target: '≤ 1.2',
          met: growthOf(run) <= 1.2,
        },
      ]),
    ),
  );
}

/** The same figures for the build before and this one, measured in the same rounds. */
export function printBeforeAndNow(
  before: BuildSummary,
  now: BuildSummary,
  runs: Readonly<Record<string, LongRun>>,
): void {
  const row = (b: number, n: number, format: (v: number) => string = mb) => ({
    before: format(b),
    now: format(n),
    'now / before': (n / b).toFixed(2),
  });
  const rows: Record<string, ReturnType<typeof row>> = {
    'node process RSS, MB': row(before.nodeProcess.rss, now.nodeProcess.rss),
    'node process USS, MB': row(before.nodeProcess.uss, now.nodeProcess.uss),
    'added per node thread, MB': row(before.nodeThreadAdds, now.nodeThreadAdds),
  };
  for (const launchType of ['processes', 'threads']) {
    const b = runs[`${launchType}, before`];
    const n = runs[launchType];
    if (b !== undefined && n !== undefined) {
      rows[`long run end / 10k, ${launchType}`] = row(growthOf(b), growthOf(n), (v) =>
        v.toFixed(2),
      );
    }
  }
  console.log('\nBefore and now, measured in the same rounds');
  console.table(rows);
}

/** What the live heap of an idle producer holds, by group, in KB. */
export function printSnapshots(snapshots: Readonly<Record<string, Record<string, number>>>): void {
  const kinds = [...new Set(Object.values(snapshots).flatMap((groups) => Object.keys(groups)))];
  console.log('\nWhat the live JavaScript heap of an idle producer holds (heap snapshot, KB)');
  console.table(
    Object.fromEntries(
      kinds.map((kind) => [
        kind,
        Object.fromEntries(
          Object.entries(snapshots).map(([name, groups]) => [
            name,
            Math.round((groups[kind] ?? 0) / 1024),
          ]),
        ),
      ]),
    ),
  );
}
