/**
 * Reading a history against what anything may leave in a working directory: wrong-shaped
 * lines, files far larger than memory should hold (sparse, so they cost no disk), node
 * ids that would name files outside the history, a launcher pid that cannot be its
 * launcher's, and lines with U+2028 (see history-writing.test.ts for writing one).
 */
import {
  appendFileSync,
  mkdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  openHistory,
  serveHistory,
  type LaunchApiServer,
} from '../../../src/launcher/dashboard/index.ts';
import { HistoryWriter } from '../../../src/launcher/dashboard/history-writer.ts';
import { historyPaths } from '../../../src/launcher/dashboard/history-files.ts';
import { OutputTap, type TappedLine } from '../../../src/launcher/dashboard/output-tap.ts';
import { api } from '../../helpers/dashboard.ts';
import { cleansUpAfterEach } from '../../helpers/cleanups.ts';

const cleanups = cleansUpAfterEach();

async function served(workdir: string): Promise<string> {
  const server: LaunchApiServer = await serveHistory(openHistory(workdir));
  cleanups.add(() => server.close());
  return server.pageUrl;
}

const startedAt = new Date().toISOString();

/** A history as a launcher writes it, with `graph` nodes and no end, launched by `pid`. */
function writeHistory(
  workdir: string,
  options: { pid?: number; host?: string; nodes?: readonly string[]; endedAt?: string } = {},
): ReturnType<typeof historyPaths> {
  const paths = historyPaths(workdir);
  mkdirSync(join(workdir, 'history', 'logs'), { recursive: true });
  writeFileSync(
    paths.launch,
    JSON.stringify({
      id: 'crafted',
      programName: 'crafted',
      launchType: 'processes',
      script: '/x.ts',
      pid: options.pid ?? process.pid,
      ...(options.host === undefined ? {} : { host: options.host }),
      workdir,
      startedAt,
      apiUrl: 'http://127.0.0.1:9',
      ...(options.endedAt === undefined ? {} : { endedAt: options.endedAt, outcome: 'stopped' }),
    }),
  );
  const nodes = options.nodes ?? ['store/0'];
  writeFileSync(
    paths.graph,
    JSON.stringify({
      nodes: nodes.map((id) => ({ id, label: id.split('/')[0] })),
      edges: [],
    }),
  );
  return paths;
}

const row = (id: string, state = 'running') => ({
  id,
  label: id.split('/')[0],
  state,
  restarts: 0,
  callsPerSec: 0,
  errors: 0,
});

describe('a history of wrong-shaped lines (defect 8)', () => {
  it('skips every line that is not what a launcher writes, and serves the rest', async () => {
    const workdir = cleanups.tempDir('lp-history-shapes-');
    const paths = writeHistory(workdir, { nodes: ['store/0', 'spare/0'] });
    appendFileSync(
      paths.events,
      [
        'null',
        '42',
        '"text"',
        '[]',
        '{}',
        JSON.stringify({
          t: startedAt,
          kind: 'state',
          nodeId: 'store/0',
          state: 'failed',
          restarts: 2,
        }),
        JSON.stringify({ t: 5, kind: 'state', nodeId: 'spare/0', state: 'x' }),
        '{"t": "2026-', // torn
      ].join('\n'),
    );
    appendFileSync(
      paths.metrics,
      [
        'null',
        JSON.stringify({ t: startedAt, user: [] }), // no node
        JSON.stringify({ t: startedAt, node: row('store/0'), user: null }),
        JSON.stringify({ t: startedAt, node: null, user: [] }),
        JSON.stringify({ t: startedAt, node: { id: 'spare/0' }, user: [] }),
        JSON.stringify({
          t: startedAt,
          node: { ...row('spare/0'), rssBytes: 1234 },
          user: [{ node: 'spare/0', name: 'steps', kind: 'counter', labels: {}, value: 7 }],
        }),
        JSON.stringify({
          t: startedAt,
          node: row('spare/0'),
          user: [{ node: 'spare/0', name: 'steps', kind: 'counter', labels: null, value: 7 }],
        }),
      ].join('\n') + '\n',
    );
    mkdirSync(join(workdir, 'history', 'logs', 'store'), { recursive: true });
    writeFileSync(
      paths.log('store/0'),
      [
        'null',
        '{"t":1}',
        JSON.stringify({ t: startedAt, stream: 'stdout', text: 'kept' }),
        '[]',
      ].join('\n'),
    );
    const url = await served(workdir);
    const nodes = await api<{
      nodes: { id: string; state: string; restarts: number; rssBytes?: number }[];
    }>(url, '/api/nodes');
    expect(nodes.status).toBe(200);
    expect(nodes.body.nodes.map(({ id, state, restarts }) => [id, state, restarts])).toEqual([
      ['store/0', 'failed', 2],
      ['spare/0', 'running', 0],
    ]);
    expect(nodes.body.nodes[1]?.rssBytes).toBe(1234);
    const logs = await api<{ lines: { text: string }[] }>(url, '/api/logs/store%2F0?tail=0');
    expect(logs.status).toBe(200);
    expect(logs.body.lines.map((line) => line.text)).toEqual(['kept']);
    expect(openHistory(workdir).samples()).toEqual([
      {
        t: startedAt,
        user: [{ node: 'spare/0', name: 'steps', kind: 'counter', labels: {}, value: 7 }],
      },
    ]);
  });

  it('reads a graph.json of {} or null as an empty graph, and refuses a launch.json that is no record, naming it', () => {
    const workdir = cleanups.tempDir('lp-history-graph-');
    const paths = writeHistory(workdir);
    for (const graph of [
      '{}',
      'null',
      '{"nodes": null, "edges": 5}',
      '{"nodes": [null, 1, {"id": 3}]}',
    ]) {
      writeFileSync(paths.graph, graph);
      const history = openHistory(workdir);
      expect(history.graph()).toEqual({ nodes: [], edges: [] });
      expect(history.nodes()).toEqual([]);
    }
    for (const record of ['null', '{}', '{"id": "x", "pid": "1"}', '[1']) {
      writeFileSync(paths.launch, record);
      expect(() => openHistory(workdir)).toThrow(
        /launch\.json (is not a launch record|is not JSON)/,
      );
    }
  });

  it('reopens a 600 MiB metrics.jsonl and serves the end of a 600 MiB node log', async () => {
    const workdir = cleanups.tempDir('lp-history-large-');
    const paths = writeHistory(workdir);
    const big = 600 * 1024 * 1024;
    // Sparse: 600 MiB of zero bytes (one endless line) between real lines, on no disk.
    appendFileSync(
      paths.metrics,
      `${JSON.stringify({ t: startedAt, node: row('store/0', 'failed'), user: [] })}\n`,
    );
    truncateSync(paths.metrics, big);
    const later = new Date(Date.parse(startedAt) + 1000).toISOString();
    appendFileSync(
      paths.metrics,
      `\n${JSON.stringify({ t: later, node: row('store/0'), user: [] })}\n`,
    );
    mkdirSync(join(workdir, 'history', 'logs', 'store'), { recursive: true });
    const log = paths.log('store/0');
    appendFileSync(log, `${JSON.stringify({ t: startedAt, stream: 'stdout', text: 'first' })}\n`);
    truncateSync(log, big);
    const lines = Array.from({ length: 50 }, (_, index) =>
      JSON.stringify({ t: later, stream: 'stdout', text: `line ${String(index)}` }),
    );
    appendFileSync(log, `\n${lines.join('\n')}\n`);
    expect(statSync(paths.metrics).size).toBeGreaterThan(big);

    const url = await served(workdir);
    const nodes = await api<{ nodes: { id: string; state: string }[] }>(url, '/api/nodes');
    expect(nodes.status).toBe(200);
    expect(nodes.body.nodes).toMatchObject([{ id: 'store/0', state: 'running' }]);
    const logs = await api<{ lines: { text: string }[] }>(url, '/api/logs/store%2F0?tail=3');
    expect(logs.status).toBe(200);
    expect(logs.body.lines.map((line) => line.text)).toEqual(['line 47', 'line 48', 'line 49']);
  });
});

describe('node ids from graph.json (defect 15)', () => {
  it('name a log file only when they are node ids', async () => {
    const workdir = cleanups.tempDir('lp-history-ids-');
    const paths = writeHistory(workdir, {
      nodes: ['store/0', '../../outside', 'a/../../0', '/etc/0'],
    });
    // What a path made of the id would reach: outside the history.
    writeFileSync(
      join(workdir, 'outside.log'),
      `${JSON.stringify({ t: startedAt, stream: 'stdout', text: 'outside the history' })}\n`,
    );
    const url = await served(workdir);
    const answer = await api<{ error: string }>(
      url,
      `/api/logs/${encodeURIComponent('../../outside')}`,
    );
    expect(answer.status).toBe(404);
    expect(JSON.stringify(answer.body)).not.toContain('outside the history');
    expect(openHistory(workdir).nodeIds()).toEqual(['store/0']);
    expect(() => paths.log('../../outside')).toThrow(/not a node id/);
  });
});

describe("a history's launcher pid (defect 16)", () => {
  it('is not taken as running for pid 1, a pid that started after the launch, or another host', () => {
    const one = cleanups.tempDir('lp-history-pid1-');
    writeHistory(one, { pid: 1 });
    expect(openHistory(one).launch().outcome).toBe('failed');

    // A live process that started after the launch did: its pid was reused.
    const reused = cleanups.tempDir('lp-history-reused-');
    const paths = writeHistory(reused);
    const record = JSON.parse(readFileSync(paths.launch, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      paths.launch,
      JSON.stringify({ ...record, startedAt: '2020-01-01T00:00:00.000Z' }),
    );
    expect(openHistory(reused).launch().outcome).toBe('failed');

    const elsewhere = cleanups.tempDir('lp-history-host-');
    writeHistory(elsewhere, { host: `not-${hostname()}` });
    expect(openHistory(elsewhere).launch().outcome).toBe('unknown');

    // This process, recorded on this host since before it started: running.
    const alive = cleanups.tempDir('lp-history-alive-');
    writeHistory(alive, { host: hostname() });
    expect(openHistory(alive).launch().outcome).toBe('running');
  });
});

describe('lines with U+2028 and U+2029 (defect 12)', () => {
  it('reach the log tail and the history', () => {
    const tap = new OutputTap(['store/0']);
    const stdout = new PassThrough();
    const tapped = tap.wrap({ stdout, stderr: new PassThrough() });
    const texts = ['a\u2028b', '\u2029', 'c\u2028\u2029d'];
    tapped.stdout.write(texts.map((text) => `[store/0] ${text}\n`).join(''));
    const lines: TappedLine[] = [];
    tap.read((line) => lines.push(line));
    expect(lines.map((line) => line.text)).toEqual(texts);

    const workdir = cleanups.tempDir('lp-history-separators-');
    writeHistory(workdir);
    const writer = new HistoryWriter(workdir, (message) => {
      throw new Error(message);
    });
    for (const line of lines)
      writer.log(line.nodeId, { t: startedAt, stream: line.stream, text: line.text });
    writer.close();
    expect(
      openHistory(workdir)
        .logs('store/0', 0)
        .map((line) => line.text),
    ).toEqual(texts);
  });
});
