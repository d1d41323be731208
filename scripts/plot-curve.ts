/**
 * Renders a learning curve from a CSV file to a PNG: `npx tsx scripts/plot-curve.ts <csv> <png>
 * [--x=column] [--y=column,column] [--title=text]`.
 *
 * The CSV has a header line and numeric columns. By default the first column is the x axis
 * (e.g. `seconds`) and every other column is a line. The chart is drawn by Chart.js in
 * Debian's Chromium (`apt-get install chromium`), driven by playwright-core, so the picture
 * is what a browser shows and no image library is needed. Set `CHROMIUM_PATH` to use
 * another Chromium.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

/** A parsed CSV: column names and one number array per column. */
export interface CurveTable {
  readonly columns: readonly string[];
  readonly values: readonly (readonly number[])[];
}

/** Parses a numeric CSV with a header line; names the line and column of a bad value. */
export function parseCurveCsv(text: string, source: string): CurveTable {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0];
  if (header === undefined) throw new Error(`${source}: empty CSV; expected a header line`);
  const columns = header.split(',').map((name) => name.trim());
  const values = columns.map(() => [] as number[]);
  lines.slice(1).forEach((line, index) => {
    const cells = line.split(',');
    if (cells.length !== columns.length) {
      throw new Error(
        `${source}:${index + 2}: ${cells.length} values, but the header has ${columns.length} columns`,
      );
    }
    cells.forEach((cell, column) => {
      const value = Number(cell);
      if (cell.trim() === '' || Number.isNaN(value)) {
        throw new Error(
          `${source}:${index + 2}: column "${columns[column] ?? column}" holds "${cell}", not a number`,
        );
      }
      values[column]?.push(value);
    });
  });
  return { columns, values };
}

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/** Draws `table` (x column and y columns) to a PNG file. */
export async function plotCurve(
  table: CurveTable,
  output: string,
  options: { readonly x: string; readonly y: readonly string[]; readonly title: string },
): Promise<void> {
  const column = (name: string): readonly number[] => {
    const index = table.columns.indexOf(name);
    const values = table.values[index];
    if (values === undefined) {
      throw new Error(`No column "${name}" in the CSV; its columns: ${table.columns.join(', ')}`);
    }
    return values;
  };
  const xs = column(options.x);
  const datasets = options.y.map((name, index) => ({
    label: name,
    data: column(name).map((y, i) => ({ x: xs[i], y })),
    borderColor: COLOURS[index % COLOURS.length],
    backgroundColor: COLOURS[index % COLOURS.length],
    pointRadius: 0,
    borderWidth: 2,
  }));
  const config = {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      responsive: false,
      parsing: false,
      plugins: { title: { display: true, text: options.title } },
      scales: {
        x: { type: 'linear', title: { display: true, text: options.x } },
        y: { title: { display: true, text: options.y.join(', ') } },
      },
    },
  };
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 500 } });
    const require = createRequire(import.meta.url);
    // The UMD build is not an exported subpath; it sits beside the package's main file.
    const umd = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
    const chartSource = readFileSync(umd, 'utf8');
    // The page is built from files and data only (no network); the white background keeps
    // the PNG readable on dark pages.
    await page.setContent(
      `<canvas id="chart" width="880" height="480" style="background: white"></canvas>` +
        `<script>${chartSource}</script>` +
        `<script>
          new Chart(document.getElementById('chart'), ${JSON.stringify(config).replaceAll('<', '\\u003c')});
        </script>`,
    );
    writeFileSync(output, await page.locator('#chart').screenshot({ omitBackground: false }));
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      x: { type: 'string' },
      y: { type: 'string' },
      title: { type: 'string' },
    },
  });
  const [input, output] = positionals;
  if (input === undefined || output === undefined || positionals.length > 2) {
    throw new Error(
      'Usage: tsx scripts/plot-curve.ts <csv> <png> [--x=column] [--y=column,column] [--title=text]',
    );
  }
  const table = parseCurveCsv(readFileSync(input, 'utf8'), input);
  const x = values.x ?? table.columns[0] ?? '';
  const y = values.y?.split(',') ?? table.columns.filter((name) => name !== x);
  await plotCurve(table, output, { x, y, title: values.title ?? input });
  console.log(`Wrote ${output}`);
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await main();
