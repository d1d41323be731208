/**
 * @module
 * The command line that starts a node process or thread: Node.js, a TypeScript loader only
 * when the code needs one, and one of launchpad-ts's own entry scripts.
 *
 * A user whose code is JavaScript runs launchpad-ts from its compiled `dist/` with plain
 * `node`, and so do their nodes. A user who runs a TypeScript entry through tsx gets the
 * same tsx loader in every node. Only launchpad-ts's own tests, which run it from source,
 * load tsx on their own.
 */
import { createRequire } from 'node:module';
import { extname, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LaunchpadError } from '../errors/errors.ts';

// `.ts` when launchpad-ts runs from its sources, `.js` from its compiled dist/.
const OWN_EXTENSION = extname(fileURLToPath(import.meta.url));
const SOURCE_ROOT = new URL('../', import.meta.url);
const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** launchpad-ts's scripts that a new process or thread starts with, by path under `src/`. */
export type EntryScript =
  'node/child-entry' | 'node/colocation-entry' | 'node/task-entry' | 'node/slurm-task';

/** The file URL of one of launchpad-ts's entry scripts, compiled or not like this module. */
export function entryScriptUrl(entry: EntryScript): URL {
  return new URL(`${entry}${OWN_EXTENSION}`, SOURCE_ROOT);
}

/** The path of one of launchpad-ts's entry scripts. */
export function entryScriptPath(entry: EntryScript): string {
  return fileURLToPath(entryScriptUrl(entry));
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
    if (value !== undefined && /[/\\]tsx[/\\]|^tsx(\/|$)/.test(value)) return value;
  }
  return undefined;
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

/** Whether code that a node may load is TypeScript. */
function needsTypeScript(): boolean {
  if (OWN_EXTENSION !== '.js') return true;
  const main = process.argv[1];
  return main !== undefined && TYPESCRIPT_EXTENSIONS.has(extname(main));
}

let loaderCache: { url: string | undefined } | undefined;

/**
 * The URL of the TypeScript loader (tsx) that node processes load with `--import`, or
 * `undefined` when everything they run is JavaScript.
 *
 * @throws LaunchpadError `FAILED_PRECONDITION` when code is TypeScript and tsx is not
 * installed
 */
export function typeScriptLoaderUrl(): string | undefined {
  if (loaderCache !== undefined) return loaderCache.url;
  const inherited = inheritedLoader();
  let url: string | undefined;
  if (inherited !== undefined) {
    // A node may run in another working directory, so pass the loader as a file URL.
    if (inherited.startsWith('file:')) url = inherited;
    else if (isAbsolute(inherited)) url = pathToFileURL(inherited).href;
    else url = resolveTsx(inherited);
  } else if (needsTypeScript()) {
    url = resolveTsx('tsx');
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
    `Node code here is TypeScript (${process.argv[1] ?? 'the main script'}), so node processes need tsx, ` +
      'which is not installed. Install it (npm i -D tsx) and run your script with npx tsx, or compile ' +
      'your program to JavaScript and run it with node.',
  );
}

/**
 * The arguments after `node` for a process that starts with `entry`: the launcher's own
 * `--conditions`, `nodeFlags`, the TypeScript loader if needed, the entry script, then `args` (which the node's code sees
 * as `process.argv.slice(2)`).
 */
export function nodeProcessArgs(
  nodeFlags: readonly string[],
  args: readonly string[],
  entry: EntryScript = 'node/child-entry',
): string[] {
  const loader = typeScriptLoaderUrl();
  return [
    ...inheritedConditions(),
    ...nodeFlags,
    ...(loader === undefined ? [] : ['--import', loader]),
    entryScriptPath(entry),
    ...args,
  ];
}

/**
 * The code a node's worker thread starts with (run with `eval: true`). A worker does not
 * inherit the launcher's module loader, so when the code is TypeScript it registers tsx
 * first; then it runs the same entry script as a node process.
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
