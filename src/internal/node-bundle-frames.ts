/**
 * @module
 * {@link mapNodeBundleFrames}: the frames of a stack that ran in the node's one file of
 * launchpad-ts (`dist/node-bundle/node-side.js`, see `scripts/bundle.ts`), mapped to
 * the library's `src/` files and lines.
 *
 * A node loads that file before it turns source maps on, so that no node parses the
 * file's map at start (about 4 ms of each node thread's start); Node then leaves the
 * file's frames as they ran. The node's stacks that leave it (a remote error, its failure
 * report, a caller's frames, a thread's uncaught error) pass through here, and the map is
 * read with the first of them.
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

// The library's own sources, where the file's map leads its frames. A position that maps
// elsewhere (msgpackr's modules, bundled from where the package was built) stays as it
// ran: that path need not exist where the package is installed.
const SOURCES_URL = new URL('../../src/', NODE_BUNDLE_URL).href;

/**
 * `stack` with each position in the node's one file (`file:///…/node-side.js:line:column`)
 * replaced by its place in `src/`; any other text unchanged. Anything but a string (a
 * stack that code set to another value) comes back as it is.
 */
export function mapNodeBundleFrames<T>(stack: T): T {
  if (typeof stack !== 'string' || !stack.includes(NODE_BUNDLE_URL)) return stack;
  return stack.replace(FRAME, (position: string, line: string, column: string) => {
    const found = originalPosition(NODE_BUNDLE_FILE, Number(line) - 1, Number(column) - 1);
    if (!found?.url.startsWith(SOURCES_URL)) return position;
    return `${found.url}:${String(found.line + 1)}:${String(found.column + 1)}`;
  }) as T;
}
