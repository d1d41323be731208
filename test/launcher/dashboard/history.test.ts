/**
 * History: a launch whose launcher was killed with SIGKILL mid-run, reopened from its
 * working directory with `openHistory` and served read-only.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  openHistory,
  serveHistory,
  type LaunchApiServer,
} from '../../../src/launcher/dashboard/index.ts';
import { api } from '../../helpers/dashboard.ts';
import { startScript } from '../../helpers/scripts.ts';
import { waitUntil } from '../../helpers/wait-until.ts';
import { cleansUpAfterEach } from '../../helpers/cleanups.ts';

const cleanups = cleansUpAfterEach();

describe('a crashed launch reopened from its working directory', () => {
  it(
    'shows its nodes, their last states and log lines, read-only',
    { timeout: 120_000 },
    async () => {
      const workdir = cleanups.tempDir('launchpad-history-');
      const run = startScript('test/fixtures/scripts/dashboard-launch.ts', [workdir]);
      await run.waitForOutput('READY');
      // Samples are taken once a second and written every half second: wait for one of
      // each node with its process figures, then kill the launcher at once.
      const metricsFile = join(workdir, 'history', 'metrics.jsonl');
      await waitUntil(() => {
        try {
          return readFileSync(metricsFile, 'utf8').includes('"pid"');
        } catch {
          return false;
        }
      }, 'a metric sample in the history');
      await waitUntil(() => {
        try {
          return readFileSync(join(workdir, 'history', 'logs', 'store', '0.log'), 'utf8').includes(
            'said before the launcher died',
          );
        } catch {
          return false;
        }
      }, "the store's line in the history");
      run.child.kill('SIGKILL');
      await run.exited;

      const history = openHistory(workdir);
      const server: LaunchApiServer = await serveHistory(history);
      cleanups.add(() => server.close());
      const url = server.pageUrl;

      const launch = await api(url, '/api/launch');
      expect(launch.body).toMatchObject({
        programName: 'dashboard_test',
        launchType: 'processes',
        workdir,
        pid: run.child.pid,
        outcome: 'failed',
        readOnly: true,
      });
      expect(launch.body['endedAt']).toEqual(expect.any(String));
      expect(
        JSON.parse(readFileSync(join(workdir, 'history', 'launch.json'), 'utf8')),
      ).not.toHaveProperty('token');

      interface Nodes {
        nodes: { id: string; state: string; restarts: number; pid?: number }[];
      }
      const nodes = await api<Nodes>(url, '/api/nodes');
      expect(nodes.body.nodes.map(({ id, state, restarts }) => ({ id, state, restarts }))).toEqual([
        { id: 'store/0', state: 'running', restarts: 0 },
        { id: 'producer/0', state: 'running', restarts: 0 },
        { id: 'spinner/0', state: 'running', restarts: 0 },
        { id: 'spare/0', state: 'running', restarts: 0 },
      ]);
      expect(nodes.body.nodes.some((node) => node.pid !== undefined)).toBe(true);

      const graph = await api<{ edges: { from: string; to: string }[] }>(url, '/api/graph');
      expect(graph.body.edges.map(({ from, to }) => `${from}->${to}`)).toEqual([
        'producer/0->store/0',
      ]);

      const logs = await api<{ lines: { text: string }[] }>(url, '/api/logs/store/0?tail=100');
      const texts = logs.body.lines.map((line) => line.text);
      expect(texts).toContain('store is up');
      expect(texts).toContain('said before the launcher died');
      const unknown = await api(url, '/api/logs/nope/0');
      expect(unknown.status).toBe(404);
      expect(unknown.body['error']).toContain('store/0, producer/0, spinner/0, spare/0');

      for (const path of ['/api/stop', '/api/nodes/store/0/restart', '/api/nodes/store/0/stack']) {
        const answer = await api(url, path, { method: 'POST' });
        expect(answer.status).toBe(409);
        expect(answer.body['error']).toMatch(/is a finished launch, opened read-only/);
      }
      // The token still guards a reopened launch.
      expect((await api(url, '/api/nodes', { token: 'wrong' })).status).toBe(401);
    },
  );

  it('refuses a directory without a history, naming it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'launchpad-no-history-'));
    try {
      expect(() => openHistory(empty)).toThrow(new RegExp(`${empty}.*no launch history`));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
