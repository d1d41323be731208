/**
 * The dashboard page in a real headless Chromium, against a running four-node program
 * under `processes`: node states, a restart after SIGKILL, a log line, a user gauge
 * charted, and no request outside 127.0.0.1. The stack-dump and restart-button tests
 * need the diagnostics and restart work: they run once `RunningProgram` has
 * `stackDump` and `restartNode`.
 */
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDashboardProgram, type Spinner, type Store } from '../../fixtures/dashboard.ts';
import { api } from '../../helpers/dashboard.ts';
import { hasChromium, openBrowser, type BrowserSession } from '../../helpers/browser.ts';

// Waits in the page are bounded by this; on a busy machine a node's start takes seconds.
const PAGE_WAIT_MS = 60_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function launchAndOpen(): Promise<{
  running: lp.RunningProgram;
  session: BrowserSession;
  store: lp.Handle<Store>;
  spinner: lp.Handle<Spinner>;
  url: string;
}> {
  const { program, store, spinner } = makeDashboardProgram();
  const running = lp.launch(program, {
    launchType: 'processes',
    // The spare store is restarted after a failure, after half a second.
    restart: { spare: { mode: 'on-failure', maxRestarts: 3, backoffMs: 500 } },
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    terminationGraceMs: 5_000,
  });
  cleanups.push(() => running.stop());
  const url = await running.dashboardUrl();
  await running.ready;
  const session = await openBrowser();
  cleanups.push(() => session.close());
  await session.page.goto(url);
  return { running, session, store, spinner, url };
}

const row = (nodeId: string): string => `#nodes tr[data-node-id="${nodeId}"]`;

describe.skipIf(!hasChromium)('the dashboard in Chromium', () => {
  it(
    'shows every node and its state, a restart after SIGKILL, a log line and a gauge chart, loading nothing from outside 127.0.0.1',
    { timeout: 180_000 },
    async () => {
      const { running, session, store, url } = await launchAndOpen();
      const { page, requests } = session;

      // Every node id and its state.
      for (const nodeId of ['store/0', 'producer/0', 'spinner/0', 'spare/0']) {
        await page.waitForSelector(`${row(nodeId)}[data-state="running"]`, {
          timeout: PAGE_WAIT_MS,
        });
        expect(await page.textContent(`${row(nodeId)} td.state`)).toBe('running');
        expect(await page.locator(`#graph g.node[data-node-id="${nodeId}"]`).count()).toBe(1);
      }
      expect(await page.locator('#graph g.edge').count()).toBe(1);

      // A node killed with SIGKILL: restarting, then running again, restarted once.
      interface Nodes {
        nodes: { id: string; pid?: number }[];
      }
      let pid: number | undefined;
      while (pid === undefined) {
        const { body } = await api<Nodes>(url, '/api/nodes');
        pid = body.nodes.find((node) => node.id === 'spare/0')?.pid;
        if (pid === undefined) await page.waitForTimeout(100);
      }
      process.kill(pid, 'SIGKILL');
      await page.waitForSelector(`${row('spare/0')}[data-state="restarting"]`, {
        timeout: PAGE_WAIT_MS,
      });
      expect(await page.textContent(`${row('spare/0')} td.restarts`)).toBe('1');
      await page.waitForSelector(`${row('spare/0')}[data-state="running"]`, {
        timeout: PAGE_WAIT_MS,
      });
      expect(await page.textContent(`${row('spare/0')} td.restarts`)).toBe('1');

      // A line the store prints, in its log tail (the store is the node shown first).
      const said = `line for the browser ${Math.random().toString(36).slice(2)}`;
      await running.client(store).say(said);
      await page.selectOption('#log-node', 'store/0');
      await page.waitForSelector(`#log-lines li:has-text("${said}")`, { timeout: PAGE_WAIT_MS });
      // The search keeps only matching lines.
      await page.fill('#log-search', said);
      // (Page code is given as strings: the tests are compiled without the DOM's types.)
      await page.waitForFunction(
        `[...document.querySelectorAll('#log-lines li')].every((item) => item.textContent.includes(${JSON.stringify(said)}))`,
      );
      expect(await page.locator('#log-lines li').count()).toBe(1);

      // The store's gauge, set by the producer's calls, charted with several points.
      const chartData = `Chart.getChart(document.querySelector('canvas[data-metric="queue_depth"]'))?.data.datasets[0]`;
      await page.waitForFunction(`(${chartData}?.data.length ?? 0) >= 3`, undefined, {
        timeout: PAGE_WAIT_MS,
      });
      const points: { label: string; values: number[] } = await page.evaluate(
        `(({ label, data }) => ({ label, values: data.map((point) => point.y) }))(${chartData})`,
      );
      expect(points.label).toBe('store/0');
      expect(points.values.at(-1)).toBeGreaterThan(points.values[0]! - 1);
      expect(Math.max(...points.values)).toBeGreaterThan(0);

      // Nothing from outside the launch API.
      expect(requests.length).toBeGreaterThan(5);
      const origin = new URL(url).origin;
      expect(requests.filter((request) => !request.startsWith(`${origin}/`))).toEqual([]);
    },
  );

  it(
    'names the spinning function in a stack dump of a busy node',
    { timeout: 180_000 },
    async () => {
      const { running, session, spinner } = await launchAndOpen();
      const { page } = session;
      await page.waitForSelector(`${row('spinner/0')}[data-state="running"]`, {
        timeout: PAGE_WAIT_MS,
      });
      // The node's event loop is blocked for the whole dump.
      void running
        .client(spinner)
        .spin(30_000)
        .catch(() => undefined);
      await page.click(`${row('spinner/0')} button[data-action="stack"]`);
      await page.waitForSelector('#action-output:has-text("spinInABusyLoop")', {
        timeout: PAGE_WAIT_MS,
      });
    },
  );

  it('restarts a node from its button', { timeout: 180_000 }, async () => {
    const { session } = await launchAndOpen();
    const { page } = session;
    await page.waitForSelector(`${row('spare/0')}[data-state="running"]`, {
      timeout: PAGE_WAIT_MS,
    });
    await page.click(`${row('spare/0')} button[data-action="restart"]`);
    await page.waitForSelector(`${row('spare/0')} td.restarts:has-text("1")`, {
      timeout: PAGE_WAIT_MS,
    });
    await page.waitForSelector(`${row('spare/0')}[data-state="running"]`, {
      timeout: PAGE_WAIT_MS,
    });
  });
});
