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

/** The path of the script every node process starts with. */
export const CHILD_ENTRY_PATH = fileURLToPath(new URL('./child-entry.ts', import.meta.url));

/**
 * The arguments after `node` for a node process: `nodeFlags`, the tsx loader, the entry
 * script, then `args` (which the node's code sees as `process.argv.slice(2)`).
 */
export function nodeProcessArgs(nodeFlags: readonly string[], args: readonly string[]): string[] {
  return [...nodeFlags, '--import', TSX_LOADER_URL, CHILD_ENTRY_PATH, ...args];
}
