/**
 * What a node's long lines and a large history cost the launcher and the history reader:
 * the memory a log tail keeps after 300 lines of 1 MiB, and the time and peak memory of
 * reopening a history whose `metrics.jsonl` is HISTORY_MIB (default 600) MiB of real
 * lines (10 nodes, 5 user series each, one sample a second). Each checkout given as an
 * argument is measured in a process of its own (default: this one), so an older checkout
 * is the same run's baseline:
 *
 * `node --expose-gc --import tsx bench/history-files.ts /path/to/old/checkout .`
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const MIB = 2 ** 20;

interface LogTailLike {
  add(nodeId: string, line: { t: string; stream: 'stdout'; text: string }): void;
  tail(nodeId: string, count: number): readonly unknown[];
}

/** Memory held by a log tail after 300 lines of 1 MiB, in MiB, and the lines it kept. */
async function tailMemory(root: string): Promise<string> {
  const module = (await import(
    pathToFileURL(join(root, 'src/launcher/dashboard/log-tail.ts')).href
  )) as { LogTail: new (ids: string[]) => LogTailLike };
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  const used = (): number => {
    const memory = process.memoryUsage();
    return memory.heapUsed + memory.external + memory.arrayBuffers;
  };
  gc();
  const before = used();
  const tail = new module.LogTail(['big/0']);
  for (let index = 0; index < 300; index++) {
    // A flat string of its own each time, as a node's line is ('x'.repeat builds a rope).
    const text = JSON.parse(JSON.stringify('x'.repeat(MIB))) as string;
    tail.add('big/0', { t: String(index), stream: 'stdout', text });
  }
  gc();
  const kept = tail.tail('big/0', 100_000).length;
  return `log tail: ${((used() - before) / MIB).toFixed(1)} MiB held, ${String(kept)} of 300 lines`;
}

function writeHistory(workdir: string, mib: number): void {
  mkdirSync(join(workdir, 'history'), { recursive: true });
  const t0 = Date.parse('2026-12-01T00:00:00.000Z');
  writeFileSync(
    join(workdir, 'history', 'launch.json'),
    JSON.stringify({
      id: 'bench',
      programName: 'bench',
      launchType: 'processes',
      script: '',
      pid: 4_000_000,
      workdir,
      startedAt: new Date(t0).toISOString(),
      apiUrl: 'http://127.0.0.1:9',
    }),
  );
  const ids = Array.from({ length: 10 }, (_, index) => `a/${String(index)}`);
  writeFileSync(
    join(workdir, 'history', 'graph.json'),
    JSON.stringify({ nodes: ids.map((id) => ({ id, label: 'a' })), edges: [] }),
  );
  let second = 0;
  for (let written = 0; written < mib * MIB;) {
    let block = '';
    for (let count = 0; count < 1_000; count++, second++) {
      const t = new Date(t0 + second * 1000).toISOString();
      for (const id of ids) {
        const node = { id, label: 'a', state: 'running', restarts: 0, callsPerSec: 1.5, errors: 0 };
        const user = Array.from({ length: 5 }, (_, index) => ({
          node: id,
          name: `m${String(index)}`,
          kind: 'gauge',
          labels: { k: 'v' },
          value: index,
        }));
        block += `${JSON.stringify({ t, node, user })}\n`;
      }
    }
    appendFileSync(join(workdir, 'history', 'metrics.jsonl'), block);
    written += block.length;
  }
}

/** Reopens the history in `workdir` with `root`'s reader: its time and peak memory. */
async function reopen(root: string, workdir: string): Promise<string> {
  const module = (await import(
    pathToFileURL(join(root, 'src/launcher/dashboard/index.ts')).href
  )) as { openHistory: (workdir: string) => { samples(): readonly unknown[] } };
  const start = performance.now();
  let result: string;
  try {
    const history = module.openHistory(workdir);
    const seconds = (performance.now() - start) / 1000;
    result = `reopened in ${seconds.toFixed(1)} s, ${String(history.samples().length)} samples kept`;
  } catch (error) {
    result = `failed: ${(error as Error).message.slice(0, 80)}`;
  }
  return `${result}, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;
}

const [mode, root, workdir] = process.argv.slice(2);
if (mode === '--tail' && root !== undefined) {
  console.log(await tailMemory(root));
} else if (mode === '--reopen' && root !== undefined && workdir !== undefined) {
  console.log(await reopen(root, workdir));
} else {
  const roots = process.argv.slice(2).map((given) => resolve(given));
  if (roots.length === 0) roots.push(process.cwd());
  const mib = Number(process.env['HISTORY_MIB'] ?? 600);
  const workdir = mkdtempSync(join(tmpdir(), 'lp-bench-history-'));
  try {
    writeHistory(workdir, mib);
    for (const each of roots) {
      for (const [flag, extra] of [
        ['--tail', []],
        ['--reopen', [workdir]],
      ] as const) {
        // A process each: the peak RSS and the heap are that measure's alone.
        const run = spawnSync(
          process.execPath,
          ['--expose-gc', '--import', 'tsx', import.meta.filename, flag, each, ...extra],
          { encoding: 'utf8' },
        );
        const out = `${run.stdout}${run.stderr}`.trim().split('\n').at(-1) ?? '';
        console.log(
          `${each}: ${flag === '--reopen' ? `${String(mib)} MiB metrics.jsonl ` : ''}${out}`,
        );
      }
    }
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}
