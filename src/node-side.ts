/**
 * @module
 * Everything launchpad-ts runs in a node's process or thread, as one module: the public
 * API as a node loads it, `launchpad-ts/replay`, and the main of each script a node
 * process, thread or cluster task starts with.
 *
 * The build (`scripts/bundle.ts`) makes this module one file, `dist/node-bundle/node-side.js`,
 * and points the node's side of the package at it: `dist/index-in-node.js` and
 * `dist/replay/index-in-node.js` re-export its `api` and `replay`, and each entry script
 * calls its main. A node then reads, resolves and compiles one file of launchpad-ts
 * instead of a few dozen, and the classes that the user's module imports are the very
 * ones its node's main checks against. From the sources (launchpad-ts's own tests), the
 * entry scripts import their mains directly, and nothing loads this module.
 */
export * as api from './index-in-node.ts';
export * as replay from './replay/index.ts';
export { runChild } from './node/child-main.ts';
export { runColocationHost } from './node/colocation-host-main.ts';
export { runColocatedTaskMain } from './node/colocated-task-main.ts';
export { runSlurmTask } from './launcher/backends/slurm/task/slurm-task-main.ts';
