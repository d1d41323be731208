/**
 * Metrics: every node reports its calls (both sides), its process figures and its user
 * metrics to the launcher, under every local launch type; the launcher serves them at
 * /metrics in Prometheus' text format.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { capture } from '../helpers/capture.ts';
import {
  called,
  metricsWhen,
  nodeOf,
  parseExposition,
  sampleValue,
  served,
} from '../helpers/metrics.ts';
import {
  CALLER_ECHOES,
  failThenServe,
  makeMetricsProgram,
  type Echo,
} from '../fixtures/metrics.ts';

const launched: lp.RunningProgram[] = [];
afterEach(async () => {
  await Promise.all(launched.splice(0).map((running) => running.stop()));
});

function start(options: lp.LaunchOptions): {
  running: lp.RunningProgram;
  echo: lp.Handle<Echo>;
} {
  const { program, echo } = makeMetricsProgram();
  const running = lp.launch(program, { terminationGraceMs: 5_000, ...options });
  launched.push(running);
  return { running, echo };
}

// The caller's calls and user metrics have all reached the launcher.
function callerReported(metrics: lp.ProgramMetrics): boolean {
  return (
    called(metrics, 'caller/0', 'echo/0', 'echo')?.calls === CALLER_ECHOES &&
    called(metrics, 'caller/0', 'echo/0', 'fail')?.inFlight === 0 &&
    served(metrics, 'echo/0', 'fail')?.inFlight === 0 &&
    nodeOf(metrics, 'caller/0').user.length === 3
  );
}

describe('metrics reach the launcher', () => {
  it.each(['processes', 'threads', 'in-process'] as const)(
    'under %s: calls on both sides, errors by code, bytes, process figures and user metrics',
    async (launchType) => {
      const { running } = start({ launchType });
      const metrics = await metricsWhen(running, callerReported);

      const server = served(metrics, 'echo/0', 'echo');
      expect(server).toMatchObject({ calls: CALLER_ECHOES, inFlight: 0, errors: {} });
      expect(server?.latency.count).toBe(CALLER_ECHOES);
      // Each call frame holds "hello i" and each answer echoes it: both directions count.
      expect(server?.bytesReceived).toBeGreaterThan(CALLER_ECHOES * 'hello 0'.length);
      expect(server?.bytesSent).toBeGreaterThan(CALLER_ECHOES * 'hello 0'.length);
      expect(served(metrics, 'echo/0', 'fail')).toMatchObject({
        calls: 1,
        errors: { UNKNOWN: 1 },
      });
      const client = called(metrics, 'caller/0', 'echo/0', 'echo');
      expect(client).toMatchObject({ calls: CALLER_ECHOES, inFlight: 0, errors: {} });
      expect(client?.bytesSent).toBe(server?.bytesReceived);
      expect(client?.bytesReceived).toBe(server?.bytesSent);
      expect(called(metrics, 'caller/0', 'echo/0', 'fail')?.errors).toEqual({ UNKNOWN: 1 });

      for (const nodeId of ['echo/0', 'caller/0']) {
        const node = nodeOf(metrics, nodeId);
        expect(node.state).toBe('running');
        expect(node.restarts).toBe(0);
        const figures = node.process;
        expect(figures).toBeDefined();
        if (launchType === 'processes') expect(figures?.pid).not.toBe(process.pid);
        else expect(figures?.pid).toBe(process.pid);
        expect(figures?.host).not.toBe('');
        expect(figures?.rssBytes).toBeGreaterThan(0);
        expect(figures?.heapUsedBytes).toBeGreaterThan(0);
        expect(figures?.cpuSeconds).toBeGreaterThan(0);
        expect(figures?.eventLoopUtilization).toBeGreaterThanOrEqual(0);
        expect(figures?.eventLoopUtilization).toBeLessThanOrEqual(1);
        expect(figures?.eventLoopDelay.max).toBeGreaterThanOrEqual(0);
      }

      const user = nodeOf(metrics, 'caller/0').user;
      expect(user.find((metric) => metric.name === 'episode_return')).toEqual({
        name: 'episode_return',
        kind: 'gauge',
        help: 'Return of the last episode.',
        series: [{ labels: { actor: '0' }, value: 42.5 }],
      });
      expect(user.find((metric) => metric.name === 'episodes_total')?.series).toEqual([
        { labels: {}, value: 3 },
      ]);
      expect(user.find((metric) => metric.name === 'loss')?.series[0]?.histogram).toEqual({
        bounds: [0.1, 1, 10],
        counts: [0, 1, 0, 0],
        sum: 0.5,
        count: 1,
      });
    },
  );
});

describe('/metrics', () => {
  it('serves real series in Prometheus text: exact call counts, errors, a slow method, user metrics', async () => {
    const stderr = capture();
    const { running, echo } = start({ launchType: 'threads', metricsPort: 0, stderr });
    const url = await running.metricsUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await stderr.waitFor(`metrics at ${url}`);
    await running.ready;
    const client = running.client(echo);
    const launcherEchoes = 7;
    for (let i = 0; i < launcherEchoes; i++) await client.echo(`from the launcher ${i}`);
    // Slow by construction: the method sleeps 300 ms before answering.
    await Promise.all([client.slow(300), client.slow(300)]);

    await metricsWhen(
      running,
      (metrics) =>
        callerReported(metrics) &&
        served(metrics, 'echo/0', 'echo')?.calls === CALLER_ECHOES + launcherEchoes &&
        served(metrics, 'echo/0', 'slow')?.latency.count === 2,
    );
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = parseExposition(await response.text());

    const echoServer = { node: 'echo/0', method: 'echo' };
    expect(sampleValue(text, 'launchpad_server_calls_total', echoServer)).toBe(
      CALLER_ECHOES + launcherEchoes,
    );
    expect(
      sampleValue(text, 'launchpad_client_calls_total', {
        node: 'launcher',
        callee: 'echo/0',
        method: 'echo',
      }),
    ).toBe(launcherEchoes);
    expect(
      sampleValue(text, 'launchpad_client_calls_total', {
        node: 'caller/0',
        callee: 'echo/0',
        method: 'echo',
      }),
    ).toBe(CALLER_ECHOES);
    expect(
      sampleValue(text, 'launchpad_server_errors_total', {
        node: 'echo/0',
        method: 'fail',
        code: 'UNKNOWN',
      }),
    ).toBe(1);
    expect(sampleValue(text, 'launchpad_server_calls_in_flight', echoServer)).toBe(0);
    expect(sampleValue(text, 'launchpad_server_received_bytes_total', echoServer)).toBeGreaterThan(
      0,
    );

    // The slow method: no call ended within 0.25 s, both in the +Inf bucket.
    expect(text.types.get('launchpad_server_call_duration_seconds')).toBe('histogram');
    const slow = { node: 'echo/0', method: 'slow' };
    const bucket = 'launchpad_server_call_duration_seconds_bucket';
    expect(sampleValue(text, bucket, { ...slow, le: '0.25' })).toBe(0);
    expect(sampleValue(text, bucket, { ...slow, le: '+Inf' })).toBe(2);
    expect(sampleValue(text, 'launchpad_server_call_duration_seconds_count', slow)).toBe(2);
    expect(
      sampleValue(text, 'launchpad_server_call_duration_seconds_sum', slow),
    ).toBeGreaterThanOrEqual(0.6);
    // The fast one: every echo is counted in some bucket, and buckets are cumulative.
    expect(sampleValue(text, bucket, { ...echoServer, le: '+Inf' })).toBe(
      CALLER_ECHOES + launcherEchoes,
    );
    expect(sampleValue(text, bucket, { ...echoServer, le: '0.001' })).toBeLessThanOrEqual(
      sampleValue(text, bucket, { ...echoServer, le: '0.01' }) ?? -1,
    );

    expect(
      sampleValue(text, 'launchpad_user_episode_return', { node: 'caller/0', actor: '0' }),
    ).toBe(42.5);
    expect(text.types.get('launchpad_user_episodes_total')).toBe('counter');
    expect(sampleValue(text, 'launchpad_user_episodes_total', { node: 'caller/0' })).toBe(3);
    expect(sampleValue(text, 'launchpad_user_loss_bucket', { node: 'caller/0', le: '1' })).toBe(1);

    expect(sampleValue(text, 'launchpad_node_state', { node: 'echo/0', state: 'running' })).toBe(1);
    expect(sampleValue(text, 'launchpad_node_restarts_total', { node: 'caller/0' })).toBe(0);
    expect(
      sampleValue(text, 'launchpad_node_resident_memory_bytes', { node: 'echo/0' }),
    ).toBeGreaterThan(0);
    expect(
      sampleValue(text, 'launchpad_node_info', { node: 'echo/0', pid: String(process.pid) }),
    ).toBe(1);
    expect(text.samples.every((sample) => sample.name.startsWith('launchpad_'))).toBe(true);

    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);
  });
});

describe('metrics off', () => {
  it('records nothing, and node code using lp.metrics still runs', async () => {
    const { running, echo } = start({ launchType: 'in-process', metrics: false });
    await running.ready;
    expect(await running.client(echo).echo('still works')).toBe('still works');
    expect(() => running.metrics()).toThrow(/launched with metrics off/);
    await expect(running.metricsUrl()).rejects.toThrow(/does not serve \/metrics/);
    await running.stop();
    await running.wait();
  });

  it('refuses a bad metrics port, and a port with metrics off', () => {
    const { program } = makeMetricsProgram();
    expect(() => lp.launch(program, { launchType: 'in-process', metricsPort: -1 })).toThrow(
      /metricsPort.*port number from 0/,
    );
    expect(() =>
      lp.launch(program, { launchType: 'in-process', metricsPort: 0, metrics: false }),
    ).toThrow(/`metrics` is false/);
  });
});

describe('node life in the metrics', () => {
  it('shows a restarted node’s restarts and death cause, and its new run’s figures', async () => {
    const program = new lp.Program('flaky');
    program.addNode(new lp.FunctionNode(failThenServe), 'flaky');
    const running = lp.launch(program, {
      launchType: 'threads',
      restart: { flaky: { mode: 'on-failure', maxRestarts: 2, backoffMs: 10 } },
      stderr: capture(),
    });
    launched.push(running);
    const metrics = await metricsWhen(running, (now) => {
      const node = nodeOf(now, 'flaky/0');
      return node.state === 'running' && node.user.some((metric) => metric.name === 'second_run');
    });
    const node = nodeOf(metrics, 'flaky/0');
    expect(node.restarts).toBe(1);
    expect(node.deathCause).toMatch(/the first run fails on purpose/);
    expect(node.process?.pid).toBe(process.pid);
  });
});
