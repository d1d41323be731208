/**
 * Takes docs/img/dashboard.png: runs examples/apex_dqn with `--lp_dashboard` under
 * `processes`, opens the URL it prints in Debian's headless Chromium (playwright-core),
 * lets about 40 s of samples arrive, screenshots the whole page, and stops the example.
 * Run from the repository root: `npx tsx scripts/dashboard-screenshot.ts`.
 */
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const example = spawn(
  process.execPath,
  [
    '--conditions=launchpad-ts-source',
    '--import',
    'tsx',
    'examples/apex_dqn/main.ts',
    '--num_actors=2',
    '--lp_launch_type=processes',
    '--lp_dashboard',
    '--lp_time_limit=240',
  ],
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
try {
  const url = await new Promise<string>((resolve, reject) => {
    let printed = '';
    example.stderr.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const found = /dashboard at (\S+)/.exec(printed)?.[1];
      if (found !== undefined) resolve(found);
    });
    example.once('exit', () => {
      reject(new Error(`The example ended before printing its dashboard:\n${printed}`));
    });
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
    await page.goto(url);
    await page.waitForSelector('canvas[data-metric]', { timeout: 180_000 });
    // Let the charts and rates fill in.
    await page.waitForTimeout(40_000);
    await page.selectOption('#log-node', 'evaluator/0');
    await page.waitForTimeout(2_000);
    await page.screenshot({ path: 'docs/img/dashboard.png', fullPage: true });
  } finally {
    await browser.close();
  }
} finally {
  example.kill('SIGINT');
}
