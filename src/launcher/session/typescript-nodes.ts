/**
 * @module
 * TypeScript node code turned into JavaScript once per launch, so that node processes and
 * threads run it with plain `node`: no TypeScript toolchain (tsx and its esbuild) is loaded
 * in any node. The launcher, which already runs the user's TypeScript entry, compiles each
 * of the user's own TypeScript modules that the nodes reach into one JavaScript module of
 * its own under the launch's working directory (which a cluster's nodes see), with a
 * source map beside it.
 *
 * A module compiled here behaves as the user wrote it:
 * - its relative imports of other TypeScript modules (`./x.ts`, or `./x.js` for `x.ts`)
 *   point at their compiled modules, so each module is still loaded once;
 * - every other import (a package from `node_modules`, a JavaScript or JSON file, the
 *   library itself) points at the file it resolves to from the module's real place, as
 *   the user's own run resolves it;
 * - `import.meta.url`, `import.meta.dirname` and `import.meta.filename` name the real
 *   `.ts` file, so data files next to a module are found;
 * - stack traces name the real `.ts` file and line (the node turns source maps on before
 *   it imports its code, and stack dumps are mapped in the launcher:
 *   {@link mapCompiledFrame}).
 *
 * esbuild is loaded only here, in the launcher, and only when a node's code is TypeScript.
 * It is found in the user's project, else beside tsx (which depends on it).
 */
import { createRequire, isBuiltin } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LaunchpadError } from '../../errors/errors.ts';
import type { CodeLocation } from '../../protocol/node-spec.ts';
import type { StackFrame } from '../../protocol/diagnostics.ts';
import { originalPosition } from '../../internal/source-maps.ts';
import { inheritedConditionNames, NODE_CONDITION } from '../../spawn/node-command.ts';

const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

// launchpad-ts's own sources: under the source condition (its own tests) the library is
// loaded from them through a loader, and must stay one copy shared with the node runtime.
const OWN_SOURCES = fileURLToPath(new URL('../../', import.meta.url));

/** The folder under a launch's working directory that holds compiled node code. */
export const COMPILED_FOLDER = 'node-code';

/** Whether node code at `moduleUrl` is TypeScript that a node could not load with plain node. */
function isTypeScriptFile(path: string): boolean {
  return TYPESCRIPT_EXTENSIONS.has(extname(path)) && !path.startsWith(OWN_SOURCES);
}

/** Node code locations and the compile that writes their JavaScript. */
export interface NodeCodeCompile {
  /**
   * The code locations, in order: each TypeScript module given the URL of its compiled
   * JavaScript (`compiledUrl`), which exists once {@link NodeCodeCompile.compile} has
   * resolved; JavaScript locations unchanged.
   */
  readonly locations: CodeLocation[];
  /**
   * Compiles every TypeScript module of the locations, with every TypeScript module it
   * reaches, into `<workdir>/node-code/`; resolves at once, having loaded nothing, when
   * none is TypeScript. The first call compiles; later calls return the same promise.
   *
   * @throws LaunchpadError `FAILED_PRECONDITION` when esbuild cannot be found, or
   * `INVALID_ARGUMENT` when a module does not compile
   */
  compile(): Promise<void>;
}

/**
 * Where the JavaScript of each of `codes` will be, and the compile that writes it. A
 * compiled module's place depends only on its source's path, so a node's spec can name it
 * before it is written: nodes on this host may start while it compiles.
 */
export function planNodeCode(codes: readonly CodeLocation[], workdir: string): NodeCodeCompile {
  const needed = codes.filter((code) => isTypeScriptFile(fileURLToPath(code.moduleUrl)));
  const outRoot = join(workdir, COMPILED_FOLDER);
  let compiling: Promise<void> | undefined;
  return {
    locations: codes.map((code) => {
      const source = fileURLToPath(code.moduleUrl);
      if (!isTypeScriptFile(source)) return code;
      return { ...code, compiledUrl: pathToFileURL(compiledPath(outRoot, source)).href };
    }),
    compile: () =>
      (compiling ??=
        needed.length === 0
          ? Promise.resolve()
          : compileAll(
              needed.map((code) => fileURLToPath(code.moduleUrl)),
              outRoot,
            )),
  };
}

async function compileAll(sources: readonly string[], outRoot: string): Promise<void> {
  const compiler = new Compiler(await loadEsbuild(), outRoot);
  try {
    await compiler.compileAll(sources);
  } finally {
    await compiler.esbuild.stop?.();
  }
}

/** Where the JavaScript of source file `source` goes: its absolute path mirrored under `outRoot`. */
function compiledPath(outRoot: string, source: string): string {
  // A drive letter (C:) is no part of a path under another folder.
  const mirrored = source
    .replace(/^[A-Za-z]:/, '')
    .split(sep)
    .join('/');
  return join(outRoot, mirrored.slice(0, -extname(mirrored).length) + '.mjs');
}

/** What this module uses of esbuild's API (a peer of tsx, typed here by hand). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ errors: EsbuildMessage[] }>;
  stop?(): void | Promise<void>;
}

interface EsbuildMessage {
  readonly text: string;
  readonly location?: {
    readonly file: string;
    readonly line: number;
    readonly column: number;
  } | null;
}

interface ResolveArgs {
  readonly path: string;
  readonly kind: string;
  readonly importer: string;
  readonly resolveDir: string;
  readonly pluginData?: unknown;
  readonly with?: Record<string, string>;
}

interface PluginBuild {
  onResolve(
    options: { filter: RegExp },
    callback: (args: ResolveArgs) => Promise<{ path: string; external: true } | undefined>,
  ): void;
  resolve(
    path: string,
    options: { kind: string; importer: string; resolveDir: string; pluginData: unknown },
  ): Promise<{ path: string; external: boolean; errors: readonly unknown[] }>;
}

const INNER = Symbol('launchpad-ts inner resolve');

/** Compiles source files one module at a time, following their TypeScript imports. */
class Compiler {
  readonly #seen = new Set<string>();

  constructor(
    readonly esbuild: Esbuild,
    readonly outRoot: string,
  ) {}

  /** Compiles `sources` and every TypeScript module they reach, each once. */
  async compileAll(sources: readonly string[]): Promise<void> {
    let wave = [...new Set(sources)].filter((source) => !this.#seen.has(source));
    while (wave.length > 0) {
      for (const source of wave) this.#seen.add(source);
      const reached = await Promise.all(wave.map((source) => this.#compile(source)));
      wave = [...new Set(reached.flat())].filter((source) => !this.#seen.has(source));
    }
  }

  // One build per module, all its imports external: each compiled module is exactly one
  // source module, so module identity and the real import.meta of each stay as written.
  async #compile(source: string): Promise<string[]> {
    const reached: string[] = [];
    const outfile = compiledPath(this.outRoot, source);
    const realUrl = pathToFileURL(source).href;
    const result = await this.esbuild
      .build({
        entryPoints: [source],
        outfile,
        bundle: true,
        write: true,
        format: 'esm',
        platform: 'node',
        target: `node${process.versions.node}`,
        sourcemap: 'linked',
        sourcesContent: false,
        logLevel: 'silent',
        // As the nodes resolve packages: `launchpad-ts` becomes its API without the launcher.
        conditions: [...inheritedConditionNames(), NODE_CONDITION],
        define: {
          'import.meta.url': JSON.stringify(realUrl),
          'import.meta.dirname': JSON.stringify(dirname(source)),
          'import.meta.filename': JSON.stringify(source),
        },
        plugins: [
          {
            name: 'launchpad-ts-node-code',
            setup: (build: PluginBuild) => {
              build.onResolve({ filter: /.*/ }, async (args) => {
                if (args.kind === 'entry-point' || args.pluginData === INNER) return undefined;
                if (isBuiltin(args.path)) return { path: args.path, external: true };
                const resolved = await build.resolve(args.path, {
                  kind: args.kind,
                  importer: args.importer,
                  resolveDir: args.resolveDir,
                  pluginData: INNER,
                });
                // Left to Node at run time, which says what is missing where it is imported.
                if (resolved.errors.length > 0 || resolved.external || resolved.path === '') {
                  return { path: args.path, external: true };
                }
                if (isTypeScriptFile(resolved.path)) {
                  reached.push(resolved.path);
                  return {
                    path: relativeSpecifier(outfile, compiledPath(this.outRoot, resolved.path)),
                    external: true,
                  };
                }
                return { path: pathToFileURL(resolved.path).href, external: true };
              });
            },
          },
        ],
      })
      .catch((error: unknown) => {
        const errors = (error as { errors?: EsbuildMessage[] }).errors;
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `Node code ${source} could not be compiled to JavaScript for the node processes: ` +
            (errors === undefined ? String(error) : errors.map(describeMessage).join('; ')),
        );
      });
    if (result.errors.length > 0) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Node code ${source} could not be compiled: ${result.errors.map(describeMessage).join('; ')}`,
      );
    }
    COMPILED_SOURCES.set(pathToFileURL(outfile).href, outfile);
    return reached;
  }
}

function describeMessage(message: EsbuildMessage): string {
  const at = message.location;
  return at === undefined || at === null
    ? message.text
    : `${at.file}:${String(at.line)}:${String(at.column + 1)}: ${message.text}`;
}

/** The specifier that imports `to` from `from`, both compiled files. */
function relativeSpecifier(from: string, to: string): string {
  const path = relative(dirname(from), to).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/**
 * Loads esbuild from the user's project, else from beside tsx: loaded only when node code
 * is TypeScript.
 */
async function loadEsbuild(): Promise<Esbuild> {
  const bases = [pathToFileURL(`${process.cwd()}/`).href, import.meta.url];
  const main = process.argv[1];
  if (main !== undefined) bases.unshift(pathToFileURL(main).href);
  for (const base of bases) {
    const require = createRequire(base);
    for (const via of [undefined, 'tsx']) {
      try {
        const from = via === undefined ? require : createRequire(require.resolve(via));
        const loaded = (await import(pathToFileURL(from.resolve('esbuild')).href)) as {
          default?: Esbuild;
        } & Esbuild;
        return loaded.default ?? loaded;
      } catch {
        // Try the next place.
      }
    }
  }
  throw new LaunchpadError(
    'FAILED_PRECONDITION',
    `Node code here is TypeScript (${process.argv[1] ?? 'the main script'}): the launcher compiles it ` +
      'to JavaScript for the node processes with esbuild, which tsx brings, and neither is installed. ' +
      'Install tsx (npm i -D tsx) and run your script with npx tsx, or compile your program to ' +
      'JavaScript and run it with node.',
  );
}

/** Compiled module URL → its file, for the modules compiled by this launcher. */
const COMPILED_SOURCES = new Map<string, string>();

// The library's own bundles, beside this module's place in dist/: the launcher's chunks
// (dist/bundle/) and the node's one file (dist/node-bundle/), whose source maps lead to
// src/. From the sources they name no file.
const OWN_BUNDLES = ['../../bundle/', '../../node-bundle/'].map(
  (folder) => new URL(folder, import.meta.url).href,
);

/**
 * `frame` as it was written: a frame in a module compiled by {@link compileNodeCode} or in
 * the library's own bundle (a stack dump sampled through the inspector gives the positions
 * that ran) mapped through its source map to the real `.ts` file and line; any other frame
 * unchanged.
 */
export function mapCompiledFrame(frame: StackFrame): StackFrame {
  const file =
    COMPILED_SOURCES.get(frame.url) ??
    (OWN_BUNDLES.some((folder) => frame.url.startsWith(folder)) && frame.url.endsWith('.js')
      ? fileURLToPath(frame.url)
      : undefined);
  const found =
    file === undefined ? undefined : originalPosition(file, frame.lineNumber, frame.columnNumber);
  if (found === undefined) return frame;
  return { ...frame, url: found.url, lineNumber: found.line, columnNumber: found.column };
}
