/**
 * @module
 * Node's builtins that only some of the node side's code uses, loaded at their first use.
 *
 * Every node loads the node side as one file (`scripts/bundle.ts`), and a module in that
 * file that imports a builtin would load it with the file: about 1 ms of a fresh worker
 * thread's import for these three. Only a colocation host, a cluster task, a Python node's
 * task and the `processes` launch type's checks start processes or inspect threads. (A
 * node that serves loads the first two anyway, through Node: a server's `listen()` loads
 * `node:cluster` and with it `node:child_process`, and `node:fs/promises` loads readline's
 * interface; `node:inspector` stays out.)
 */
import type * as ChildProcess from 'node:child_process';
import type * as Inspector from 'node:inspector';
import type * as Readline from 'node:readline';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `node:child_process`, loaded on first use. */
export const childProcess = (): typeof ChildProcess =>
  require('node:child_process') as typeof ChildProcess;

/** `node:inspector`, loaded on first use. */
export const inspector = (): typeof Inspector => require('node:inspector') as typeof Inspector;

/** `node:readline`, loaded on first use. */
export const readline = (): typeof Readline => require('node:readline') as typeof Readline;
