/**
 * @module
 * The dashboard page's files, and the browser libraries it draws with, read from this
 * package and from its own dependencies in `node_modules` (never a CDN: the browser loads
 * nothing from outside 127.0.0.1). Chart.js draws the live charts; dagre lays out the
 * program graph.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file to serve: its bytes and content type. */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

// The page's own files, beside this module (the build copies them next to dist's).
const PAGE_DIRECTORY = fileURLToPath(new URL('./page/', import.meta.url));

// Maps, not object literals: a name from a URL (`constructor`, `toString`) must never find
// something on a prototype.
const PAGE_FILES: ReadonlyMap<string, string> = new Map([
  ['dashboard.js', 'text/javascript; charset=utf-8'],
  ['dashboard.css', 'text/css; charset=utf-8'],
  ['graph.js', 'text/javascript; charset=utf-8'],
  ['charts.js', 'text/javascript; charset=utf-8'],
]);

const require = createRequire(import.meta.url);

// Each library's browser build, found from its package's main entry (packages such as
// Chart.js export no other path).
const LIBRARIES: ReadonlyMap<string, () => string> = new Map([
  ['chart.js', () => join(dirname(require.resolve('chart.js')), 'chart.umd.min.js')],
  ['dagre.js', () => require.resolve('@dagrejs/dagre/dist/dagre.min.js')],
]);

const cache = new Map<string, Asset>();

function cached(key: string, load: () => Asset): Asset {
  let asset = cache.get(key);
  if (asset === undefined) {
    asset = load();
    cache.set(key, asset);
  }
  return asset;
}

/** The page itself, with the launch's token written into it for the page's own requests. */
export function pageHtml(token: string): Asset {
  const html = cached('index.html', () => ({
    body: readFileSync(join(PAGE_DIRECTORY, 'index.html')),
    type: 'text/html; charset=utf-8',
  }));
  return {
    body: Buffer.from(
      html.body.toString('utf8').replaceAll('{{TOKEN}}', encodeURIComponent(token)),
    ),
    type: html.type,
  };
}

/** The asset at `/page/<name>` or `/lib/<name>`, or undefined when there is none. */
export function staticAsset(path: string): Asset | undefined {
  const [, folder, name] = /^\/(page|lib)\/([A-Za-z0-9_.-]+)$/.exec(path) ?? [];
  if (folder === undefined || name === undefined) return undefined;
  if (folder === 'page') {
    const type = PAGE_FILES.get(name);
    if (type === undefined) return undefined;
    return cached(path, () => ({ body: readFileSync(join(PAGE_DIRECTORY, name)), type }));
  }
  const locate = LIBRARIES.get(name);
  if (locate === undefined) return undefined;
  return cached(path, () => ({
    body: readFileSync(locate()),
    type: 'text/javascript; charset=utf-8',
  }));
}
