/**
 * The launcher's metric samples (the dashboard's charts, `metrics.jsonl`) hold only the
 * user series that changed since the sample before: 1,000 series that hold still cost one
 * sample, not one a second, in the launcher's memory and in the history.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryWriter } from '../../../src/launcher/dashboard/history-writer.ts';
import { LiveView } from '../../../src/launcher/dashboard/live-view.ts';
import { LogTail } from '../../../src/launcher/dashboard/log-tail.ts';
import type { MetricsLine } from '../../../src/launcher/dashboard/history-files.ts';
import type { ProgramMetrics } from '../../../src/launcher/metrics/metrics-store.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const SERIES = 1_000;
const SAMPLES = 3;

describe('metric samples', () => {
  it(`store ${String(SERIES)} still series once, and after that only the one that moves`, async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'launchpad-samples-'));
    cleanups.push(() => {
      rmSync(workdir, { recursive: true, force: true });
    });
    let reads = 0;
    const metrics = (): ProgramMetrics => {
      reads++;
      const series = Array.from({ length: SERIES }, (_, id) => ({
        labels: { id: String(id) },
        // Series 0 moves at every read; the others hold still.
        value: id === 0 ? reads : id,
      }));
      return {
        nodes: [
          {
            nodeId: 'actor/0',
            state: 'running',
            restarts: 0,
            server: [],
            client: [],
            user: [{ name: 'still', kind: 'gauge', help: '', series }],
          },
        ],
      };
    };
    const history = new HistoryWriter(workdir, () => undefined);
    const view = new LiveView({
      info: {
        id: 'x',
        programName: 'p',
        launchType: 'threads',
        workdir,
        script: 's',
        pid: process.pid,
        startedAt: new Date().toISOString(),
      },
      shape: { nodes: [{ id: 'actor/0', label: 'actor' }], edges: [] },
      tail: new LogTail(['actor/0']),
      statuses: () => new Map([['actor/0', { state: 'running', restarts: 0 }]]),
      deathCauseOf: () => undefined,
      metrics,
      done: new Promise(() => undefined),
      history,
    });
    try {
      await new Promise<void>((resolve) => {
        let seen = 0;
        const stop = view.subscribe((update) => {
          if (update.event !== 'metrics' || ++seen < SAMPLES) return;
          stop();
          resolve();
        });
      });
    } finally {
      view.close();
    }
    const kept = view.samples().map((sample) => sample.user.length);
    expect(kept.slice(0, SAMPLES)).toEqual([SERIES, 1, 1]);
    const lines = readFileSync(join(workdir, 'history', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const perLine = lines.map((line) => (JSON.parse(line) as MetricsLine).user.length);
    expect(perLine.slice(0, SAMPLES)).toEqual([SERIES, 1, 1]);
    // Bytes a sample adds to metrics.jsonl once the still series are written.
    const later = Buffer.byteLength(lines[1] ?? '');
    expect(later).toBeLessThan(Buffer.byteLength(lines[0] ?? '') / 50);
  }, 30_000);
});
