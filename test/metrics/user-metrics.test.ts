/**
 * User metrics refuse bad input with a message naming the node, the metric and the
 * problem, and report only the series that changed.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import {
  MAX_SERIES_PER_METRIC,
  MAX_SERIES_PER_NODE,
  UserMetrics,
} from '../../src/metrics/user-metrics.ts';
import { MetricsStore } from '../../src/launcher/metrics/metrics-store.ts';
import type { NodeMetricsReport } from '../../src/metrics/report.ts';
import { FixedHistogram } from '../../src/metrics/latency-histogram.ts';

describe('user metrics', () => {
  it('names the node, the metric and the problem for bad input', () => {
    const metrics = new UserMetrics('actor/3');
    expect(() => metrics.metric('bad name', 'gauge')).toThrow(
      /Node actor\/3: lp\.metrics\.gauge\('bad name'\): the name must match/,
    );
    const counter = metrics.metric('steps', 'counter');
    expect(() => {
      counter.inc(-1);
    }).toThrow(/counter\('steps'\)\.inc\(\): a counter only goes up, got -1/);
    expect(() => {
      counter.inc(Number.NaN);
    }).toThrow(/expected a finite number, got NaN/);
    expect(() => {
      counter.inc(1, { node: 'x' });
    }).toThrow(/label name node is reserved/);
    expect(() => {
      counter.inc(1, { 'a-b': 'x' });
    }).toThrow(/label name "a-b" is not a valid name/);
    expect(() => metrics.metric('steps', 'gauge')).toThrow(/steps is already a counter/);
    expect(() => metrics.metric('loss', 'histogram', { buckets: [1, 1] })).toThrow(
      /options\.buckets\[1\] must be greater than the bucket before it/,
    );
    expect(() => metrics.metric('queue', 'gauge', { buckets: [1] })).toThrow(
      /options\.buckets is for histograms only/,
    );
  });

  it('reports each label set once per change, with cumulative values', () => {
    const metrics = new UserMetrics('actor/0');
    const episodes = metrics.metric('episodes', 'counter');
    episodes.inc(1, { level: 'easy' });
    episodes.inc(2, { level: 'hard' });
    expect(metrics.takeChanges()[0]?.series).toEqual([
      { labels: { level: 'easy' }, value: 1 },
      { labels: { level: 'hard' }, value: 2 },
    ]);
    expect(metrics.takeChanges()).toEqual([]);
    episodes.inc(1, { level: 'hard' });
    expect(metrics.takeChanges()[0]?.series).toEqual([{ labels: { level: 'hard' }, value: 3 }]);
  });

  it('is refused outside a node, where it has no node to belong to', () => {
    expect(() => lp.metrics.gauge('x')).toThrow(/outside a node/);
  });
});

describe('label sets without end', () => {
  it(`keeps ${String(MAX_SERIES_PER_METRIC)} per metric and ${String(MAX_SERIES_PER_NODE)} per node, drops the rest and warns once each`, () => {
    const warnings: string[] = [];
    const metrics = new UserMetrics('actor/0', (message) => warnings.push(message));
    const gauge = metrics.metric('by_step', 'gauge');
    // 10,000 label sets on one metric, as a step number used as a label would make.
    for (let step = 0; step < 10_000; step++) gauge.set(step, { step });
    expect(metrics.takeChanges()[0]?.series.length).toBe(MAX_SERIES_PER_METRIC);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /Node actor\/0: lp\.metrics\.gauge\('by_step'\)\.set\(\): this metric has 1000 label sets, its most/,
    );
    // The kept ones still change; the dropped ones are never reported.
    gauge.set(-1, { step: 0 });
    gauge.set(-1, { step: 9_999 });
    expect(metrics.takeChanges()[0]?.series).toEqual([{ labels: { step: '0' }, value: -1 }]);
    // More metrics, up to the node's bound.
    for (let index = 0; index < 5; index++) {
      const counter = metrics.metric(`other_${String(index)}`, 'counter');
      for (let id = 0; id < 500; id++) counter.inc(1, { id });
    }
    const kept = metrics
      .takeChanges()
      .reduce((sum, metric) => sum + metric.series.length, MAX_SERIES_PER_METRIC);
    expect(kept).toBe(MAX_SERIES_PER_NODE);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/this node's metrics have 2000 label sets in all/);
  });

  it("the launcher keeps no more of a node's label sets, whatever the node sends", () => {
    const store = new MetricsStore(['actor/0'], 1_000);
    const report: NodeMetricsReport = {
      nodeId: 'actor/0',
      run: 'r',
      process: {
        pid: 1,
        host: 'h',
        uptimeSeconds: 1,
        cpuSeconds: 0,
        cpuUtilization: 0,
        rssBytes: 0,
        heapUsedBytes: 0,
        heapTotalBytes: 0,
        eventLoopDelay: { mean: 0, p50: 0, p99: 0, max: 0 },
        eventLoopUtilization: 0,
      },
      server: [],
      client: [],
      user: Array.from({ length: 4 }, (_, metric) => ({
        name: `m${String(metric)}`,
        kind: 'gauge' as const,
        help: '',
        series: Array.from({ length: 2_500 }, (_, id) => ({
          labels: { id: String(id) },
          value: id,
        })),
      })),
    };
    store.apply(report);
    const view = store.snapshot(() => ({ state: 'running', restarts: 0 })).nodes[0];
    const counts = view?.user.map((metric) => metric.series.length);
    expect(counts).toEqual([MAX_SERIES_PER_METRIC, MAX_SERIES_PER_METRIC, 0, 0]);
  });
});

describe('fixed histogram', () => {
  it('puts a value equal to a bound in that bound’s bucket, as Prometheus’ le says', () => {
    const histogram = new FixedHistogram([1, 2]);
    for (const value of [0.5, 1, 1.5, 2, 3]) histogram.observe(value);
    expect(histogram.snapshot()).toEqual({ bounds: [1, 2], counts: [2, 2, 1], sum: 8, count: 5 });
  });
});
