/**
 * User metrics refuse bad input with a message naming the node, the metric and the
 * problem, and report only the series that changed.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { UserMetrics } from '../../src/metrics/user-metrics.ts';
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

describe('fixed histogram', () => {
  it('puts a value equal to a bound in that bound’s bucket, as Prometheus’ le says', () => {
    const histogram = new FixedHistogram([1, 2]);
    for (const value of [0.5, 1, 1.5, 2, 3]) histogram.observe(value);
    expect(histogram.snapshot()).toEqual({ bounds: [1, 2], counts: [2, 2, 1], sum: 8, count: 5 });
  });
});
