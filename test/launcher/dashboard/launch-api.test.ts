/**
 * The launch API every launch serves: its token, its routes' answers for a running
 * four-node program under `processes`, the launch registry record, and the dashboard
 * option and flag.
 */
import { statSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { makeDashboardProgram, type Store } from '../../fixtures/dashboard.ts';
import { api } from '../../helpers/dashboard.ts';
import { waitUntil } from '../../helpers/wait-until.ts';
import { launchesDirectory } from '../../../src/launcher/dashboard/index.ts';

interface Nodes {
  nodes: { id: string; label: string; state: string; restarts: number; pid?: number }[];
}

// The test setup stops every launch after each test, so each test launches its own.
async function withLaunch(
  launchType: 'processes' | 'threads',
  test: (launch: {
    running: lp.RunningProgram;
    url: string;
    printed: () => string;
    store: lp.Handle<Store>;
    spare: lp.Handle<Store>;
  }) => Promise<void>,
): Promise<void> {
  const { program, store, spare } = makeDashboardProgram();
  const stderr = new PassThrough();
  let printed = '';
  stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const running = lp.launch(program, {
    launchType,
    dashboard: true,
    stdout: new PassThrough(),
    stderr,
    terminationGraceMs: 5_000,
  });
  try {
    const url = await running.dashboardUrl();
    await running.ready;
    await test({ running, url, printed: () => printed, store, spare });
  } finally {
    await running.stop();
  }
}

describe('the launch API of a running four-node program', () => {
  it('under processes: token, nodes, graph, launch and its registry record', async () => {
    await withLaunch('processes', async ({ running, url, printed }) => {
      // The printed line.
      const lines = printed()
        .split('\n')
        .filter((line) => line.includes('dashboard'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(url);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);

      // The token.
      for (const token of [null, 'wrong', '']) {
        const answer = await api(url, '/api/nodes', { token });
        expect(answer.status).toBe(401);
        expect(answer.type).toBe('application/json');
        expect(answer.body['error']).toMatch(/token/);
      }
      const { origin, searchParams } = new URL(url);
      expect((await fetch(`${origin}/api/launch?token=nope`)).status).toBe(401);
      expect((await fetch(`${origin}/`)).status).toBe(401);
      expect((await fetch(`${origin}/api/launch?${searchParams.toString()}`)).status).toBe(200);

      // The nodes.
      const nodes = await api<Nodes>(url, '/api/nodes');
      expect(nodes.status).toBe(200);
      expect(nodes.type).toBe('application/json');
      expect(
        nodes.body.nodes.map(({ id, label, state, restarts }) => ({ id, label, state, restarts })),
      ).toEqual([
        { id: 'store/0', label: 'store', state: 'running', restarts: 0 },
        { id: 'producer/0', label: 'producer', state: 'running', restarts: 0 },
        { id: 'spinner/0', label: 'spinner', state: 'running', restarts: 0 },
        { id: 'spare/0', label: 'spare', state: 'running', restarts: 0 },
      ]);

      // The graph: one edge per handle, the producer's calls to the store.
      interface Graph {
        nodes: { id: string }[];
        edges: { from: string; to: string; callsPerSec: number }[];
      }
      const graph = await api<Graph>(url, '/api/graph');
      expect(graph.body.nodes.map((node) => node.id)).toEqual([
        'store/0',
        'producer/0',
        'spinner/0',
        'spare/0',
      ]);
      expect(graph.body.edges.map(({ from, to }) => ({ from, to }))).toEqual([
        { from: 'producer/0', to: 'store/0' },
      ]);
      await waitUntil(async () => {
        const now = await api<Graph>(url, '/api/graph');
        return (now.body.edges[0]?.callsPerSec ?? 0) > 0;
      }, 'a call rate on the producer → store edge');
      await waitUntil(async () => {
        const now = await api<Nodes & { nodes: { callsPerSec: number; pid?: number }[] }>(
          url,
          '/api/nodes',
        );
        const row = now.body.nodes[0];
        return row?.pid !== undefined && row.callsPerSec > 0;
      }, "the store's pid and call rate in the node table");

      // The launch and its record.
      const launch = await api(url, '/api/launch');
      expect(launch.body).toMatchObject({
        programName: 'dashboard_test',
        launchType: 'processes',
        workdir: running.workdir,
        pid: process.pid,
        outcome: 'running',
        readOnly: false,
      });
      const id = String(launch.body['id']);
      expect(id).toBe(running.workdir.split('/').at(-1));
      const file = join(launchesDirectory(), `${id}.json`);
      expect(statSync(launchesDirectory()).mode & 0o777).toBe(0o700);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const record = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(record).toMatchObject({
        id,
        programName: 'dashboard_test',
        apiUrl: origin,
        token: searchParams.get('token'),
        host: hostname(),
      });
      // The page's URL holds the token: the registry keeps the token alone, in one field.
      expect(record['dashboardUrl']).toBeUndefined();
      expect(record['endedAt']).toBeUndefined();
    });
  });

  it('under threads: log tails on both streams, followed live, and unknown nodes', async () => {
    await withLaunch('threads', async ({ running, url, store, spare }) => {
      const said = `hello dashboard ${Math.random().toString(36).slice(2)}`;
      await running.client(store).say(said);
      await running.client(store).complain(`${said} on stderr`);
      interface Lines {
        lines: { t: string; stream: string; text: string }[];
      }
      await waitUntil(async () => {
        const { body } = await api<Lines>(url, '/api/logs/store/0?tail=50');
        return body.lines.some((line) => line.text === `${said} on stderr`);
      }, 'the printed lines in the log tail');
      const { body } = await api<Lines>(url, '/api/logs/store/0?tail=50');
      expect(body.lines).toContainEqual(expect.objectContaining({ stream: 'stdout', text: said }));
      expect(body.lines).toContainEqual(
        expect.objectContaining({ stream: 'stderr', text: `${said} on stderr` }),
      );
      expect(body.lines.map((line) => line.text)).toContain('store is up');
      expect(Number.isNaN(Date.parse(body.lines[0]!.t))).toBe(false);
      const one = await api<Lines>(url, '/api/logs/store/0?tail=1');
      expect(one.body.lines).toHaveLength(1);

      // Followed as server-sent events.
      const { origin, searchParams } = new URL(url);
      const controller = new AbortController();
      try {
        const response = await fetch(
          `${origin}/api/logs/spare/0?follow=1&${searchParams.toString()}`,
          {
            signal: controller.signal,
          },
        );
        expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
        const reader = response.body!.getReader();
        await running.client(spare).say('followed line');
        let text = '';
        while (!text.includes('followed line')) {
          const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        const data = text.split('\n').find((line) => line.includes('followed line'));
        expect(JSON.parse(data!.slice('data: '.length))).toMatchObject({
          stream: 'stdout',
          text: 'followed line',
        });
      } finally {
        controller.abort();
      }

      // Unknown nodes.
      for (const [method, path] of [
        ['GET', '/api/logs/nope/0'],
        ['POST', '/api/nodes/nope/0/stack'],
        ['POST', '/api/nodes/nope/0/restart'],
      ] as const) {
        const answer = await api(url, path, { method });
        expect(answer.status).toBe(404);
        expect(answer.body['error']).toContain('nope/0');
        expect(answer.body['error']).toContain('store/0, producer/0, spinner/0, spare/0');
      }

      // A stack dump through the API is the node's, named in its header.
      const dump = await api(url, '/api/nodes/store/0/stack', { method: 'POST' });
      expect(dump.status).toBe(200);
      expect(dump.body['nodeId']).toBe('store/0');
      expect(String(dump.body['text'])).toContain('store/0');
    });
  });
});

describe('the end of a launch', () => {
  it('rewrites its registry record with its end and outcome, and closes the API', async () => {
    const { program } = makeDashboardProgram();
    const stderr = new PassThrough();
    let printed = '';
    stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const running = lp.launch(program, {
      launchType: 'threads',
      stdout: new PassThrough(),
      stderr,
      terminationGraceMs: 5_000,
    });
    try {
      const url = await running.dashboardUrl();
      await running.ready;
      const { body } = await api(url, '/api/stop?by=dashboard', { method: 'POST' });
      expect(body).toEqual({ ok: true });
      await running.wait();
      // The launcher says who stopped it.
      expect(printed).toContain(
        `launchpad-ts: stopping ${program.name}: the dashboard's Stop button asked for it.`,
      );
      const id = running.workdir.split('/').at(-1)!;
      const file = join(launchesDirectory(), `${id}.json`);
      await waitUntil(
        () =>
          (JSON.parse(readFileSync(file, 'utf8')) as { outcome?: string }).outcome === 'stopped',
        'the record of the stopped launch',
      );
      const record = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(record['dashboardUrl']).toBeUndefined();
      expect(Number.isNaN(Date.parse(String(record['endedAt'])))).toBe(false);
      await waitUntil(
        () =>
          fetch(url).then(
            () => false,
            () => true,
          ),
        'the launch API to close',
      );
    } finally {
      await running.stop();
    }
  });
});

describe('the dashboard option and flag', () => {
  it('reads --lp_dashboard alone or with a port, and hides it from the program', () => {
    expect(lp.launchFlags(['--lp_dashboard']).dashboard).toBe('');
    expect(lp.launchFlags(['--lp_dashboard=8123', 'x']).dashboard).toBe('8123');
    expect(lp.userArgs(['--lp_dashboard=8123', 'x'])).toEqual(['x']);
    expect(lp.userArgs(['a', '--lp_dashboard'])).toEqual(['a']);
    expect(lp.launchFlags(['--lp_dashboard', '8124']).dashboard).toBe('8124');
    expect(lp.userArgs(['--lp_dashboard', '8124', 'x'])).toEqual(['x']);
    // Alone before another flag or the program's own argument, it takes neither.
    const args = ['--lp_dashboard', '--lp_time_limit=240', '--lp_metrics_port', 'mine'];
    expect(lp.launchFlags(args)).toMatchObject({
      dashboard: '',
      timeLimit: '240',
      metricsPort: '0',
    });
    expect(lp.userArgs(args)).toEqual(['mine']);
  });

  it('refuses a port that is not one, naming the option', () => {
    const { program } = makeDashboardProgram();
    expect(() => lp.launch(program, { dashboard: 70_000 })).toThrow(/dashboard/);
    expect(() => lp.launch(program, { dashboard: 'yes' as unknown as boolean })).toThrow(
      /dashboard/,
    );
  });
});
