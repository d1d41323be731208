/**
 * What a node process's diagnostics thread costs: the resident memory of idle node
 * processes and the time to `running.ready`, with the thread (the default) and without
 * it (`LP_DIAGNOSTICS=0`), in the same run, rounds interleaved. Run with
 * `npx tsx bench/diagnostics-footprint.ts` (BENCH_ROUNDS, default 3; 4 nodes a launch).
 * Linux only: memory is read from /proc.
 */
import { readFileSync } from 'node:fs';
import * as lp from 'launchpad-ts';
import { Idle } from '../test/fixtures/spinning.ts';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const NODES = 4;

function rssKib(pid: number): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

async function measure(diagnostics: boolean): Promise<{ readyMs: number; rssMib: number }> {
  process.env['LP_DIAGNOSTICS'] = diagnostics ? '1' : '0';
  const program = new lp.Program('diagnostics-footprint');
  const handles = Array.from({ length: NODES }, () =>
    program.addNode(new lp.ServiceNode(Idle), 'idle'),
  );
  const start = performance.now();
  const running = lp.launch(program, { launchType: 'processes' });
  try {
    await running.ready;
    const readyMs = performance.now() - start;
    // With the thread on, wait until every node has said where it answers.
    if (diagnostics) for (const handle of handles) await running.stackDump(handle.nodeId);
    const pids = await Promise.all(handles.map((handle) => running.client(handle).pid()));
    const rss = pids.map(rssKib).reduce((sum, kib) => sum + kib, 0) / pids.length / 1024;
    return { readyMs, rssMib: rss };
  } finally {
    await running.stop();
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

lp.main(async () => {
  const on: { readyMs: number; rssMib: number }[] = [];
  const off: { readyMs: number; rssMib: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    off.push(await measure(false));
    on.push(await measure(true));
  }
  const row = (name: string, get: (r: { readyMs: number; rssMib: number }) => number): string => {
    const a = median(off.map(get));
    const b = median(on.map(get));
    return `${name}: without ${a.toFixed(1)}, with ${b.toFixed(1)}, ratio ${(b / a).toFixed(3)}`;
  };
  console.log(`median of ${String(ROUNDS)} rounds, ${String(NODES)} idle node processes a launch`);
  console.log(row('RSS per node process (MiB)', (r) => r.rssMib));
  console.log(row('launch to ready (ms)', (r) => r.readyMs));
});
