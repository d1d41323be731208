/**
 * @module
 * The last step of `npm run build`: bundles launchpad-ts's JavaScript into a few files, so
 * that a node process (and a launcher, and the command) resolves and reads a handful of
 * modules instead of about 140.
 *
 * `tsc` has already written `dist/` (declarations, which stay, and one `.js` per source
 * file). esbuild then builds two bundles:
 * - the launcher's, `dist/bundle/`: the public API, `replay` and the command, with code
 *   splitting, all outputs in that one folder, so that every module shared between
 *   entries is loaded once and each launch type, the dashboard and the command load only
 *   what they use; packages stay imports;
 * - the node's one file, `dist/node-bundle/node-side.js`, from `src/node-side.ts` without
 *   splitting: the public API as a node loads it, `replay`, the mains of the node scripts,
 *   and msgpackr's JavaScript, so that a node process or thread reads one file of the
 *   library. No process loads both: every node starts under the `launchpad-ts-node`
 *   condition, under which `package.json` leads `launchpad-ts` and `launchpad-ts/replay`
 *   here, and a launcher never loads a node script.
 * Each entry's own path in `dist/` (what `package.json` and the launcher name) becomes a
 * one-line module that leads to its bundle, and the other `.js` files of `tsc` are removed.
 *
 * The library finds its own files from `import.meta.url` (its entry scripts, the
 * dashboard's page, its own stack frames); in either bundle each source file's
 * `import.meta.url` is its own place in `dist/` (`new URL('../<path>.js', import.meta.url)`
 * from `dist/bundle/` or `dist/node-bundle/`), so those lookups are unchanged. Source maps lead to `src/`.
 */
import { copyFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { ImportType, init as initLexer, parse as parseModule } from 'es-module-lexer';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');

/**
 * Entry points of the launcher's bundle, by path under `src/` without extension; a `#!`
 * line is kept on the command's.
 */
const ENTRIES = ['index', 'replay/index', 'cli/main'];

/**
 * The scripts a node process, thread or cluster task starts with, by path under `src/`,
 * and the main of `src/node-side.ts` each calls (as its source does).
 */
const NODE_SCRIPTS: Record<string, string> = {
  'node/child-entry': 'runChild',
  'node/colocation-entry': 'runColocationHost',
  'node/task-entry': 'runColocatedTaskMain',
  'launcher/backends/slurm/task/slurm-task': 'runSlurmTask',
};

/**
 * The modules a node imports from the package (under the `launchpad-ts-node` condition in
 * `package.json`), by path under `dist/`: the namespace of `src/node-side.ts` each
 * re-exports, and the source whose exports it lists.
 */
const NODE_APIS: Record<string, { readonly namespace: string; readonly source: string }> = {
  'index-in-node': { namespace: 'api', source: 'index-in-node' },
  'replay/index-in-node': { namespace: 'replay', source: 'replay/index' },
};

/** Bundle file name of an entry (one folder, so every output sits at the same depth). */
const bundleName = (entry: string): string => entry.replace(/\//g, '-');

// `import.meta.url` in code, not in a string (a quoted one is a key, as in esbuild's define).
const META_URL = /(?<!['"`])\bimport\.meta\.url\b(?!['"`])/g;

const ownPlace: Plugin = {
  name: 'own-place',
  setup(builder) {
    builder.onLoad({ filter: /[/\\]src[/\\].*\.ts$/ }, (args) => {
      const path = relative(SRC, args.path).split('\\').join('/').replace(/\.ts$/, '.js');
      const place = `new URL(${JSON.stringify(`../${path}`)}, import.meta.url).href`;
      return { contents: readFileSync(args.path, 'utf8').replace(META_URL, place), loader: 'ts' };
    });
  },
};

/**
 * In a node's one file, a launch type's `load()` (its descriptor's `import()` of its
 * backend) is replaced by a module that throws: the node's code checks launch options
 * with the descriptors, but only a launcher loads a backend, and without this the whole
 * of every backend would be bundled into each node.
 */
const launcherOnly: Plugin = {
  name: 'launcher-only',
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' &&
      /[/\\]launcher[/\\]backends[/\\][^/\\]+[/\\]descriptor[/\\]/.test(args.importer)
        ? { path: args.path, namespace: 'launcher-only' }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'launcher-only' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`launchpad-ts: a node loaded ${args.path}, which only a launcher loads`)});`,
      loader: 'js',
    }));
  },
};

/**
 * In a node's one file, msgpackr's JavaScript is bundled too (every other package stays an
 * import): its four modules were about 3 ms of each node thread's start, resolved, read
 * and linked one by one. Its native addon (`msgpackr-extract`) stays a package, which
 * msgpackr's full entry loads when a node first decodes a large frame
 * (`rpc/native-strings.ts`).
 */
const MSGPACKR = JSON.parse(
  readFileSync(join(ROOT, 'node_modules/msgpackr/package.json'), 'utf8'),
) as { version: string };
const msgpackrInside: Plugin = {
  name: 'msgpackr-inside',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) =>
      /^msgpackr(\/|$)/.test(args.path) ? undefined : { path: args.path, external: true },
    );
  },
};

const COMMON = {
  // The metafile's paths (`src/…`) are the repository's, wherever the build runs from.
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Class and function names as written: esbuild renames a class that refers to itself
  // (`class _LaunchpadError`), and errors print their constructor's name.
  keepNames: true,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
} as const;

// The launcher's bundle: code splitting, so that each launch type, the dashboard and the
// command load only what they use, and what they share once.
const launcherSide = await build({
  ...COMMON,
  entryPoints: Object.fromEntries(
    ENTRIES.map((entry) => [bundleName(entry), join(SRC, `${entry}.ts`)]),
  ),
  outdir: join(DIST, 'bundle'),
  metafile: true,
  packages: 'external',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  plugins: [ownPlace],
});

// The node's one file. Without splitting, esbuild keeps each module that the node side
// imports with `import()` in the same file, evaluated only when imported; a package or a
// builtin such a module imports would load with the file, so those modules import theirs
// with `import()` too (see `metrics/otel-call-tracing.ts`, `node/route-source.ts`).
const NODE_BUNDLE = 'node-bundle';
const nodeSide = await build({
  ...COMMON,
  entryPoints: { 'node-side': join(SRC, 'node-side.ts') },
  outdir: join(DIST, NODE_BUNDLE),
  metafile: true,
  plugins: [ownPlace, launcherOnly, msgpackrInside],
  // msgpackr's full entry loads its addon with `require` where one exists (else esbuild's
  // stand-in throws, and the addon would silently never load): the file gets one, which
  // resolves from where msgpackr is installed, as msgpackr's own would (the addon may sit
  // beside it or in its own node_modules), and looks for msgpackr only when first called.
  banner: {
    js: [
      `// Holds msgpackr ${MSGPACKR.version} (MIT License; see msgpackr.LICENSE beside this file).`,
      "import { createRequire as $lpCreateRequire } from 'node:module';",
      'let $lpRequire;',
      'function require(id) {',
      "  $lpRequire ??= $lpCreateRequire($lpCreateRequire(import.meta.url).resolve('msgpackr'));",
      '  return $lpRequire(id);',
      '}',
    ].join('\n'),
  },
});
copyFileSync(
  join(ROOT, 'node_modules/msgpackr/LICENSE'),
  join(DIST, NODE_BUNDLE, 'msgpackr.LICENSE'),
);
// What only a launcher runs stays out of it: a backend, the launch's session and setup.
const launcherCode = Object.keys(nodeSide.metafile.inputs).filter((input) =>
  /^src\/launcher\/(?!options\/|main\.ts$|backends\/[^/]+\/(descriptor|task)\/)/.test(input),
);
if (launcherCode.length > 0) {
  throw new Error(`The node's bundle holds launcher code: ${launcherCode.join(', ')}.`);
}
// And every node would load a package that the file imports statically: only builtins.
const nodeOutput = Object.values(nodeSide.metafile.outputs).find(
  (output) => output.entryPoint === 'src/node-side.ts',
);
const packages = (nodeOutput?.imports ?? []).filter(
  (found) => found.kind === 'import-statement' && !isBuiltin(found.path),
);
if (nodeOutput === undefined || packages.length > 0) {
  throw new Error(
    `The node's bundle imports packages statically (${packages.map((found) => found.path).join(', ')}): ` +
      'import them with import() where they are used.',
  );
}
const nodeExports = await build({
  ...COMMON,
  entryPoints: Object.fromEntries(
    Object.values(NODE_APIS).map(({ source }) => [source, join(SRC, `${source}.ts`)]),
  ),
  outdir: join(DIST, 'unwritten'),
  packages: 'external',
  splitting: true,
  sourcemap: false,
  write: false,
  metafile: true,
});
/** The names a source module exports, as esbuild found them. */
function exportsOf(source: string): string[] {
  const output = Object.values(nodeExports.metafile.outputs).find(
    (found) => found.entryPoint === `src/${source}.ts`,
  );
  if (output === undefined) throw new Error(`No exports found for src/${source}.ts.`);
  return output.exports;
}
// A node's module must offer every name the launcher's does, or a user's module that
// imports one would not link in a node. Both lists are esbuild's (the public API names
// its exports one by one, so esbuild sees them all).
for (const [entry, launcherEntry] of [
  ['index-in-node', 'index'],
  ['replay/index', 'replay/index'],
] as const) {
  const launcherOutput = Object.values(launcherSide.metafile.outputs).find(
    (found) => found.entryPoint === `src/${launcherEntry}.ts`,
  );
  const missing = (launcherOutput?.exports ?? ['(none found)']).filter(
    (name) => !exportsOf(entry).includes(name),
  );
  if (missing.length > 0) {
    throw new Error(
      `src/${entry}.ts lacks what src/${launcherEntry}.ts exports: ${missing.join(', ')}.`,
    );
  }
}

/**
 * The one module of the bundle that calls `import()`: every other bundle file calls
 * {@link DYNAMIC_IMPORT} instead. tsx, which most users run their launcher under, rewrites
 * every module that contains an `import()` (to adjust what CommonJS packages export) and
 * makes a fine-grained source map of it, which for the launcher's large chunks was about
 * 60 ms of `import 'launchpad-ts'` (65 ms instead of 125). Through this module tsx rewrites
 * one line. It lives in `dist/bundle/` beside every chunk, in the same package, so each
 * specifier resolves as it did from the chunk that names it; the name has the keyword's
 * six characters, so that no column moves and the source maps still hold.
 */
const DYNAMIC_IMPORT = '$lpImp';
const DYNAMIC_IMPORT_FILE = 'dynamic-import.js';
await initLexer;
const bundleFolder = join(DIST, 'bundle');
for (const name of readdirSync(bundleFolder).filter((file) => file.endsWith('.js'))) {
  const path = join(bundleFolder, name);
  const code = readFileSync(path, 'utf8');
  const [imports] = parseModule(code);
  // A dynamic import's `ss` is where its `import` keyword starts; `d` is -1 for a static
  // import and -2 for `import.meta`. $lpImp takes a specifier alone: refuse what it
  // could not pass on (import attributes, `import.source()`, `import.defer()`).
  const dynamic = imports.filter((found) => found.d > -1);
  const unsupported = dynamic.find((found) => found.t !== ImportType.Dynamic || found.a > -1);
  if (unsupported !== undefined) {
    throw new Error(
      `${name}: the dynamic import at ${String(unsupported.ss)} has attributes or a phase, ` +
        `which ${DYNAMIC_IMPORT} does not pass on; extend ${DYNAMIC_IMPORT_FILE} first.`,
    );
  }
  const starts = dynamic.map((found) => found.ss);
  if (starts.length === 0) continue;
  let rewritten = code;
  for (const start of starts) {
    if (rewritten.slice(start, start + 6) !== 'import')
      throw new Error(`${name}: no import at ${start}`);
    rewritten = rewritten.slice(0, start) + DYNAMIC_IMPORT + rewritten.slice(start + 6);
  }
  // A module's imports are hoisted, so the one it needs goes last, before the map's comment,
  // and no mapped line moves.
  const mapComment = rewritten.lastIndexOf('//# sourceMappingURL=');
  const at = mapComment === -1 ? rewritten.length : mapComment;
  const line = `import { ${DYNAMIC_IMPORT} } from './${DYNAMIC_IMPORT_FILE}';\n`;
  writeFileSync(path, rewritten.slice(0, at) + line + rewritten.slice(at));
}
writeFileSync(
  join(bundleFolder, DYNAMIC_IMPORT_FILE),
  "// Built by scripts/bundle.ts: the bundle's one import(), shared by its chunks (see there).\n" +
    `export const ${DYNAMIC_IMPORT} = (specifier) => import(specifier);\n`,
);

// tsc's .js files are replaced: nothing loads them once the entries import their bundles.
const keep = new Set(
  [...ENTRIES, ...Object.keys(NODE_SCRIPTS), ...Object.keys(NODE_APIS)].map((entry) =>
    join(DIST, `${entry}.js`),
  ),
);
function removeCompiled(directory: string): void {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    // The bundle, and the dashboard's page (browser scripts copied from src/).
    if (
      path === join(DIST, 'bundle') ||
      path === join(DIST, NODE_BUNDLE) ||
      path === join(DIST, 'launcher/dashboard/page')
    )
      continue;
    if (statSync(path).isDirectory()) removeCompiled(path);
    else if ((name.endsWith('.js') || name.endsWith('.js.map')) && !keep.has(path)) rmSync(path);
  }
}
removeCompiled(DIST);
// Nothing imports src/node-side.ts by its declarations: the package's types are index.ts's.
for (const declaration of ['node-side.d.ts', 'node-side.d.ts.map']) {
  rmSync(join(DIST, declaration), { force: true });
}

/** `../` from an entry's place in `dist/` up to `dist/`. */
const up = (entry: string): string => '../'.repeat(entry.split('/').length - 1) || './';
const HEADER = "// Built by scripts/bundle.ts: this entry's code is in dist/";

for (const entry of ENTRIES) {
  const shebang = readFileSync(join(SRC, `${entry}.ts`), 'utf8').startsWith('#!')
    ? '#!/usr/bin/env node\n'
    : '';
  // A launcher or the command leaves the user's process settings alone: a re-export
  // keeps the entry's exports.
  writeFileSync(
    join(DIST, `${entry}.js`),
    `${shebang}${HEADER}bundle/.\nexport * from '${up(entry)}bundle/${bundleName(entry)}.js';\n`,
  );
}
const nodeFile = (entry: string): string => `${up(entry)}${NODE_BUNDLE}/node-side.js`;
for (const [entry, main] of Object.entries(NODE_SCRIPTS)) {
  // Source maps are turned on after the library has loaded and before the node's own code
  // does: Node then maps the user's frames as their modules load, while the library's
  // frames are mapped only when an error or a stack dump leaves the node
  // (src/internal/node-bundle-frames.ts), so that no node parses the bundle's map at start.
  writeFileSync(
    join(DIST, `${entry}.js`),
    `${HEADER}${NODE_BUNDLE}/.\nconst { ${main} } = await import('${nodeFile(entry)}');\n` +
      `process.setSourceMapsEnabled(true);\nawait ${main}();\n`,
  );
}
for (const [entry, { namespace, source }] of Object.entries(NODE_APIS)) {
  writeFileSync(
    join(DIST, `${entry}.js`),
    `${HEADER}${NODE_BUNDLE}/.\nimport { ${namespace} } from '${nodeFile(entry)}';\n` +
      `export const { ${exportsOf(source).join(', ')} } = ${namespace};\n`,
  );
}
