/**
 * The dashboard's figures under `threads`, in a real headless Chromium: every node thread
 * shares the launcher's process, so CPU and resident memory are marked as the process's,
 * shared, beside the node's own heap; a node whose event loop is blocked stops reporting
 * and is marked so, with no stale figures. Under `processes` nothing is marked shared.
 */
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { makeDashboardProgram } from '../../fixtures/dashboard.ts';
import { api } from '../../helpers/dashboard.ts';
import { hasChromium, openBrowser } from '../../helpers/browser.ts';
import { waitUntil } from '../../helpers/wait-until.ts';

const PAGE_WAIT_MS = 60_000;
const row = (nodeId: string): string => `#nodes tr[data-node-id="${nodeId}"]`;

interface Row {
  id: string;
  pid?: number;
  cpuPercent?: number;
  heapUsedBytes?: number;
  sharedProcess?: boolean;
  notReporting?: boolean;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function launch(launchType: lp.LaunchType): {
  running: lp.RunningProgram;
  spinner: ReturnType<typeof makeDashboardProgram>['spinner'];
} {
  const { program, spinner } = makeDashboardProgram();
  const running = lp.launch(program, {
    launchType,
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    terminationGraceMs: 2_000,
  });
  cleanups.push(() => running.stop());
  return { running, spinner };
}

/** The rows once every node has reported at least once. */
async function reportedRows(url: string): Promise<Row[]> {
  let rows: Row[] = [];
  await waitUntil(async () => {
    rows = (await api<{ nodes: Row[] }>(url, '/api/nodes')).body.nodes;
    return rows.every((one) => one.pid !== undefined);
  }, 'every node to report');
  return rows;
}

describe.skipIf(!hasChromium)('dashboard figures', () => {
  it(
    'under threads: CPU and memory marked as the shared process, heap per thread; a blocked node not reporting',
    { timeout: 180_000 },
    async () => {
      const { running, spinner } = launch('threads');
      const url = await running.dashboardUrl();
      await running.ready;
      const rows = await reportedRows(url);
      for (const one of rows) {
        expect(one.sharedProcess, one.id).toBe(true);
        expect(one.pid).toBe(process.pid);
      }
      const session = await openBrowser();
      cleanups.push(() => session.close());
      const { page } = session;
      await page.goto(url);
      await page.waitForSelector(`${row('store/0')} td.memory.shared`, { timeout: PAGE_WAIT_MS });
      expect(await page.textContent(`${row('store/0')} td.memory`)).toMatch(
        /^heap \d+\.\d MB · process \d+\.\d MB \(shared\)$/,
      );
      expect(await page.textContent(`${row('store/0')} td.cpu`)).toMatch(
        /^\d+% \(process, shared\)$/,
      );

      // The spinner blocks its thread's event loop: its reports stop, and it is marked.
      void running
        .client(spinner)
        .spin(60_000)
        .catch(() => undefined);
      await page.waitForSelector(`${row('spinner/0')}[data-not-reporting="true"]`, {
        timeout: PAGE_WAIT_MS,
      });
      expect(await page.textContent(`${row('spinner/0')} td.state`)).toMatch(
        /^running not reporting \(\d+s\)$/,
      );
      expect(await page.textContent(`${row('spinner/0')} td.cpu`)).toBe('');
      expect(await page.textContent(`${row('spinner/0')} td.uptime`)).toBe('');
      // The other threads go on reporting.
      const after = (await api<{ nodes: Row[] }>(url, '/api/nodes')).body.nodes;
      expect(after.find((one) => one.id === 'store/0')?.notReporting).toBeUndefined();
    },
  );

  it('under processes: no figure is marked shared', { timeout: 120_000 }, async () => {
    const { running } = launch('processes');
    const url = await running.dashboardUrl();
    await running.ready;
    const rows = await reportedRows(url);
    for (const one of rows) expect(one.sharedProcess, one.id).toBeUndefined();
    expect(new Set(rows.map((one) => one.pid)).size).toBe(rows.length);
  });
});
