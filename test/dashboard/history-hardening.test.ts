/**
 * The history against what anything may leave in a working directory: its modes (no
 * token, the user's alone), a working directory it cannot write, wrong-shaped lines,
 * files far larger than memory should hold (sparse, so they cost no disk), node ids that
 * would name files outside the history, a launcher pid that cannot be its launcher's, and
 * lines with U+2028.
 */
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  openHistory,
  serveHistory,
  type LaunchApiServer,
} from '../../src/launcher/dashboard/index.ts';
import { HistoryWriter } from '../../src/launcher/dashboard/history-writer.ts';
import { historyPaths } from '../../src/launcher/dashboard/history-files.ts';
import { OutputTap, type TappedLine } from '../../src/launcher/dashboard/output-tap.ts';
import { makeDashboardProgram } from '../fixtures/dashboard.ts';
import { api } from '../helpers/dashboard.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => {
    rmSync(folder, { recursive: true, force: true });
  });
  return folder;
}

async function served(workdir: string): Promise<string> {
  const server: LaunchApiServer = await serveHistory(openHistory(workdir));
  cleanups.push(() => server.close());
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

/** Whether user `nobody` can read `path` (undefined when this test cannot switch users). */
function nobodyCanRead(path: string): boolean | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const run = spawnSync(
    'setpriv',
    ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'cat', path],
    {
      encoding: 'utf8',
    },
  );
  if (run.error !== undefined) return undefined;
  return run.status === 0;
}

describe("a launch's history on disk (defect 1)", () => {
  it('holds no token, its folders are 0700 and its files 0600, and another user reads none of it', async () => {
    const workdir = tempDir('lp-history-modes-');
    // An explicit working directory, 0755 as the was.
    const { program } = makeDashboardProgram();
    const running = lp.launch(program, {
      launchType: 'threads',
      workdir,
      dashboard: true,
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      terminationGraceMs: 5_000,
    });
    const url = await running.dashboardUrl();
    await running.ready;
    await running.stop();
    const token = new URL(url).searchParams.get('token') ?? '';
    expect(token.length).toBeGreaterThan(20);

    const history = join(workdir, 'history');
    const files: string[] = [];
    const folders: string[] = [history];
    const walk = (folder: string): void => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) {
          folders.push(path);
          walk(path);
        } else files.push(path);
      }
    };
    walk(history);
    expect(files.map((path) => path.slice(history.length + 1)).sort()).toEqual(
      expect.arrayContaining(['events.jsonl', 'graph.json', 'launch.json']),
    );
    for (const folder of folders)
      expect([folder, statSync(folder).mode & 0o777]).toEqual([folder, 0o700]);
    for (const file of files) {
      expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
      expect(readFileSync(file, 'utf8')).not.toContain(token);
    }
    const record = JSON.parse(readFileSync(join(history, 'launch.json'), 'utf8')) as object;
    expect(record).not.toHaveProperty('token');
    expect(record).not.toHaveProperty('dashboardUrl');
    expect(record).toMatchObject({ host: hostname(), pid: process.pid });
    // And as another user, where this test can be one.
    const readable = nobodyCanRead(join(history, 'launch.json'));
    if (readable !== undefined) expect(readable).toBe(false);
  });
});

describe('a history folder that is a symbolic link', () => {
  it('is not written through: the history is off, the target untouched', () => {
    const workdir = tempDir('lp-history-link-');
    const target = tempDir('lp-history-target-');
    chmodSync(target, 0o755);
    symlinkSync(target, join(workdir, 'history'));
    const warnings: string[] = [];
    const writer = new HistoryWriter(workdir, (message) => warnings.push(message));
    writer.writeGraph({ nodes: [], edges: [] });
    writer.log('store/0', { t: startedAt, stream: 'stdout', text: 'x' });
    writer.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/symbolic link.*history is off/);
    expect(readdirSync(target)).toEqual([]);
    expect(statSync(target).mode & 0o777).toBe(0o755);
  });
});

describe('a working directory the history cannot be written in (defect 7)', () => {
  it('leaves the launch running and says once that history is off', async () => {
    const workdir = tempDir('lp-history-off-');
    // A file where the history's folder would be: mkdir fails even for root.
    writeFileSync(join(workdir, 'history'), 'not a folder');
    const { program, store } = makeDashboardProgram();
    const stderr = new PassThrough();
    let printed = '';
    stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const running = lp.launch(program, {
      launchType: 'threads',
      workdir,
      stdout: new PassThrough(),
      stderr,
      terminationGraceMs: 5_000,
    });
    await running.dashboardUrl();
    await running.ready;
    // The launch works: a call is answered.
    await running.client(store).say('still here');
    await running.stop();
    await running.wait();
    const warnings = printed.split('\n').filter((line) => line.includes('history is off'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(workdir, 'history'));
  });

  it('on a full disk (/dev/full): one warning, and nothing kept for the history after it', () => {
    const workdir = tempDir('lp-history-full-');
    const warnings: string[] = [];
    const writer = new HistoryWriter(workdir, (message) => warnings.push(message));
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    symlinkSync('/dev/full', join(workdir, 'history', 'events.jsonl'));
    for (let index = 0; index < 5; index++) {
      writer.event({ t: startedAt, kind: 'launch', outcome: 'stopped' });
      writer.flush();
    }
    writer.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ENOSPC.*history is off/);
    expect(writer.writing).toBe(false);
  });

  it('as a writer: one warning, however many writes follow', () => {
    const workdir = tempDir('lp-history-writer-');
    writeFileSync(join(workdir, 'history'), '');
    const warnings: string[] = [];
    const writer = new HistoryWriter(workdir, (message) => warnings.push(message));
    writer.writeGraph({ nodes: [], edges: [] });
    writer.event({ t: startedAt, kind: 'launch', outcome: 'stopped' });
    writer.log('store/0', { t: startedAt, stream: 'stdout', text: 'x' });
    writer.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/history is off for this launch/);
  });
});

describe('a history of wrong-shaped lines (defect 8)', () => {
  it('skips every line that is not what a launcher writes, and serves the rest', async () => {
    const workdir = tempDir('lp-history-shapes-');
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
    const workdir = tempDir('lp-history-graph-');
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
    const workdir = tempDir('lp-history-large-');
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
    const workdir = tempDir('lp-history-ids-');
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
    const one = tempDir('lp-history-pid1-');
    writeHistory(one, { pid: 1 });
    expect(openHistory(one).launch().outcome).toBe('failed');

    // A live process that started after the launch did: its pid was reused.
    const reused = tempDir('lp-history-reused-');
    const paths = writeHistory(reused);
    const record = JSON.parse(readFileSync(paths.launch, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      paths.launch,
      JSON.stringify({ ...record, startedAt: '2020-01-01T00:00:00.000Z' }),
    );
    expect(openHistory(reused).launch().outcome).toBe('failed');

    const elsewhere = tempDir('lp-history-host-');
    writeHistory(elsewhere, { host: `not-${hostname()}` });
    expect(openHistory(elsewhere).launch().outcome).toBe('unknown');

    // This process, recorded on this host since before it started: running.
    const alive = tempDir('lp-history-alive-');
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

    const workdir = tempDir('lp-history-separators-');
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
