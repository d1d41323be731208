/**
 * @module
 * {@link mapNodeBundleFrames}: the frames of a stack that ran in the node's one file of
 * launchpad-ts (`dist/node-bundle/node-side.js`, see `scripts/bundle.ts`), mapped to
 * the library's `src/` files and lines.
 *
 * A node loads that file before it turns source maps on, so that no node parses the
 * file's map at start (about 4 ms of each node thread's start); Node then leaves the
 * file's frames as they ran. The node's errors that leave it (a remote error, its failure
 * report) pass through here, and the map is read with the first of them.
 */
import { fileURLToPath } from 'node:url';
import { originalPosition } from './source-maps.ts';

// This module's place in dist/ is dist/internal/, beside dist/node-bundle/. From the
// sources, the URL names no file, and no frame matches it.
const NODE_BUNDLE_URL = new URL('../node-bundle/node-side.js', import.meta.url).href;
const NODE_BUNDLE_FILE = fileURLToPath(NODE_BUNDLE_URL);
const FRAME = new RegExp(
  `${NODE_BUNDLE_URL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+)`,
  'g',
);

/**
 * `stack` with each position in the node's one file (`file:///…/node-side.js:line:column`)
 * replaced by its place in `src/`; any other text unchanged.
 */
export function mapNodeBundleFrames(stack: string): string {
  if (!stack.includes(NODE_BUNDLE_URL)) return stack;
  return stack.replace(FRAME, (position: string, line: string, column: string) => {
    const found = originalPosition(NODE_BUNDLE_FILE, Number(line) - 1, Number(column) - 1);
    return found === undefined
      ? position
      : `${found.url}:${String(found.line + 1)}:${String(found.column + 1)}`;
  });
}
