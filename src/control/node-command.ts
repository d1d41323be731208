/**
 * @module
 * The command line that starts a node process: Node.js with tsx loaded (node processes
 * run TypeScript directly, like the launcher) and the node process entry script.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** The URL of tsx's loader, for `--import`. */
export const TSX_LOADER_URL = pathToFileURL(require.resolve('tsx')).href;

/** The URL of tsx's ESM API, whose `register()` a worker thread calls to load TypeScript. */
export const TSX_API_URL = pathToFileURL(
  require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs'),
).href;

/** The path of the script every node process starts with. */
export const CHILD_ENTRY_PATH = fileURLToPath(new URL('./child-entry.ts', import.meta.url));

/**
 * The arguments after `node` for a node process: `nodeFlags`, the tsx loader, the entry
 * script, then `args` (which the node's code sees as `process.argv.slice(2)`).
 */
export function nodeProcessArgs(nodeFlags: readonly string[], args: readonly string[]): string[] {
  return [...nodeFlags, '--import', TSX_LOADER_URL, CHILD_ENTRY_PATH, ...args];
}

/**
 * The code a node's worker thread starts with (run with `eval: true`). A worker does not
 * inherit the launcher's TypeScript loader, so it registers tsx first, then runs the same
 * entry script as a node process.
 */
export function threadBootstrapCode(): string {
  const entryUrl = new URL('./child-entry.ts', import.meta.url).href;
  return [
    `const { register } = await import(${JSON.stringify(TSX_API_URL)});`,
    'register();',
    `await import(${JSON.stringify(entryUrl)});`,
  ].join('\n');
}
