/**
 * @module
 * The command line that starts a node process or thread: Node.js, a TypeScript loader only
 * when the code needs one, and one of launchpad-ts's own entry scripts.
 *
 * A user runs launchpad-ts from its compiled `dist/`, and their nodes run it with plain
 * `node`, whether the user's entry is JavaScript or TypeScript run through tsx: the
 * launcher compiles TypeScript node code to JavaScript for the nodes. Only launchpad-ts's
 * own tests, which run the library from its sources, give nodes a TypeScript loader.
 */
import { createRequire } from 'node:module';
import { extname, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LaunchpadError } from '../errors/errors.ts';

// `.ts` when launchpad-ts runs from its sources, `.js` from its compiled dist/.
const OWN_EXTENSION = extname(fileURLToPath(import.meta.url));
const SOURCE_ROOT = new URL('../', import.meta.url);

/**
 * launchpad-ts's scripts that a new process or thread starts with, by path under `src/`:
 * the node's own, or a launch type's task entry (`backends/<type>/task/`, node-side code
 * kept in its launch type's folder, such as the Slurm task's).
 */
export type EntryScript =
  | 'node/child-entry'
  | 'node/colocation-entry'
  | 'node/task-entry'
  | `launcher/backends/${string}/task/${string}`;

/** The file URL of one of launchpad-ts's entry scripts, compiled or not like this module. */
export function entryScriptUrl(entry: EntryScript): URL {
  return new URL(`${entry}${OWN_EXTENSION}`, SOURCE_ROOT);
}

/** The path of one of launchpad-ts's entry scripts. */
export function entryScriptPath(entry: EntryScript): string {
  return fileURLToPath(entryScriptUrl(entry));
}

/**
 * The package condition every node process and thread runs under: `import 'launchpad-ts'`
 * in a node resolves to the public API without the launcher's code (`src/index-in-node.ts`,
 * named in `package.json`'s `exports`).
 */
export const NODE_CONDITION = 'launchpad-ts-node';

/** The flag that gives a process or thread {@link NODE_CONDITION}. */
export const NODE_CONDITION_FLAG = `--conditions=${NODE_CONDITION}`;

/**
 * Takes {@link NODE_CONDITION_FLAG} out of `process.execArgv` in a node that started with
 * it. Node read its conditions at start, so this node still resolves `launchpad-ts` as a
 * node; but `child_process.fork()` passes `process.execArgv` on, and a script that a
 * node's code forks (one that may launch a program of its own) must get the whole API.
 */
export function forgetNodeCondition(): void {
  process.execArgv = process.execArgv.filter((flag) => flag !== NODE_CONDITION_FLAG);
}

/** The tsx loader this process was started with (`--import …tsx…`), if any. */
function inheritedLoader(): string | undefined {
  const argv = process.execArgv;
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index] ?? '';
    const value = flag.startsWith('--import=')
      ? flag.slice('--import='.length)
      : flag === '--import'
        ? argv[index + 1]
        : undefined;
    if (value !== undefined && isTsxModule(value)) return value;
  }
  return undefined;
}

/**
 * The `--conditions` names this process was started with: the launcher compiles a
 * TypeScript node's imports as it resolves its own.
 */
export function inheritedConditionNames(): string[] {
  return inheritedConditions().map((flag) => flag.slice(flag.indexOf('=') + 1));
}

/**
 * The `--conditions` flags this process was started with: a node resolves packages the way
 * its launcher does.
 */
function inheritedConditions(): string[] {
  const argv = process.execArgv;
  const flags: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index] ?? '';
    if (flag.startsWith('--conditions=') || flag.startsWith('-C=')) flags.push(flag);
    else if ((flag === '--conditions' || flag === '-C') && argv[index + 1] !== undefined) {
      flags.push(`--conditions=${argv[index + 1] ?? ''}`);
    }
  }
  return flags;
}

let loaderCache: { url: string | undefined } | undefined;

/**
 * The URL of the TypeScript loader (tsx) that node processes load with `--import`, or
 * `undefined` when everything they run is JavaScript. A user's TypeScript node code never
 * needs it: the launcher compiles that code for the nodes (see
 * `launcher/session/typescript-nodes.ts`). Only launchpad-ts's own sources do, when the
 * library itself runs from them (its own tests, under the `launchpad-ts-source`
 * condition): then a node loads the same loader as its launcher, else tsx.
 *
 * @throws LaunchpadError `FAILED_PRECONDITION` when the library runs from its sources and
 * tsx is not installed
 */
export function typeScriptLoaderUrl(): string | undefined {
  if (loaderCache !== undefined) return loaderCache.url;
  let url: string | undefined;
  if (OWN_EXTENSION !== '.js') {
    const inherited = inheritedLoader();
    // A node may run in another working directory, so pass the loader as a file URL.
    if (inherited === undefined) url = resolveTsx('tsx');
    else if (inherited.startsWith('file:')) url = inherited;
    else if (isAbsolute(inherited)) url = pathToFileURL(inherited).href;
    else url = resolveTsx(inherited);
  }
  loaderCache = { url };
  return url;
}

/** Resolves a tsx module from launchpad-ts's own place, else from the user's project. */
function resolveTsx(specifier: string): string {
  const bases = [import.meta.url, pathToFileURL(`${process.cwd()}/`).href];
  const main = process.argv[1];
  if (main !== undefined) bases.push(pathToFileURL(main).href);
  for (const base of bases) {
    try {
      return pathToFileURL(createRequire(base).resolve(specifier)).href;
    } catch {
      // Try the next place.
    }
  }
  throw new LaunchpadError(
    'FAILED_PRECONDITION',
    'launchpad-ts runs from its TypeScript sources here (the launchpad-ts-source condition), so ' +
      'node processes need tsx, which is not installed. Install it (npm i -D tsx), or run without ' +
      'that condition.',
  );
}

/**
 * The arguments after `node` for a process that starts with `entry`: the launcher's own
 * `--conditions` and {@link NODE_CONDITION_FLAG}, `nodeFlags`, the TypeScript loader if
 * needed, the entry script, then `args` (which the node's code sees as
 * `process.argv.slice(2)`).
 */
export function nodeProcessArgs(
  nodeFlags: readonly string[],
  args: readonly string[],
  entry: EntryScript = 'node/child-entry',
): string[] {
  const loader = typeScriptLoaderUrl();
  return [
    ...withNodeCondition(inheritedConditions()),
    ...nodeFlags,
    ...(loader === undefined ? [] : ['--import', loader]),
    entryScriptPath(entry),
    ...args,
  ];
}

/**
 * The Node.js flags of a node's worker thread: the launcher's own, less its TypeScript
 * loader, with {@link NODE_CONDITION_FLAG}. A worker inherits its parent's flags and runs their `--import`s again, so a
 * launcher run through tsx would otherwise load tsx and esbuild into every node thread.
 */
export function threadExecArgv(): string[] {
  const argv = process.execArgv;
  const kept: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index] ?? '';
    const joined = /^--(import|require|loader|experimental-loader)=/.exec(flag);
    const split = /^(--(import|require|loader|experimental-loader)|-r)$/.test(flag);
    const value =
      joined !== null ? flag.slice(flag.indexOf('=') + 1) : split ? argv[index + 1] : undefined;
    if (value !== undefined && isTsxModule(value)) {
      if (split) index++;
      continue;
    }
    kept.push(flag);
  }
  return withNodeCondition(kept);
}

/** `flags` with {@link NODE_CONDITION_FLAG} added, once (a colocation host's threads inherit it). */
function withNodeCondition(flags: readonly string[]): string[] {
  return flags.includes(NODE_CONDITION_FLAG) ? [...flags] : [...flags, NODE_CONDITION_FLAG];
}

function isTsxModule(specifier: string): boolean {
  return /[/\\]tsx[/\\]|^tsx(\/|$)/.test(specifier);
}

/**
 * The code a node's worker thread starts with (run with `eval: true`), given the flags of
 * {@link threadExecArgv}. When launchpad-ts runs from its own sources the thread registers
 * tsx first; then it runs the same entry script as a node process.
 */
export function threadBootstrapCode(): string {
  const entryUrl = entryScriptUrl('node/child-entry').href;
  const loader = typeScriptLoaderUrl();
  const lines = [];
  if (loader !== undefined) {
    const api = pathToFileURL(
      createRequire(loader)
        .resolve('tsx/esm/api')
        .replace(/index\.cjs$/, 'index.mjs'),
    ).href;
    lines.push(`const { register } = await import(${JSON.stringify(api)});`, 'register();');
  }
  lines.push(`await import(${JSON.stringify(entryUrl)});`);
  return lines.join('\n');
}
