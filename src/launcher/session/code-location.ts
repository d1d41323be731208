/**
 * @module
 * How the launcher tells a node process where its node's code is. JavaScript cannot ship
 * closures between processes, so a node process imports the module that exports its
 * node's class or function: the module that defines it (found through V8's inspector),
 * else the module that created the node or the program.
 *
 * A node process never re-runs the launcher's code: importing a module runs only its top
 * level. The main script is a module like any other only when it keeps its launcher code
 * in `lp.main()`; otherwise its top level launches the program, and it is never imported.
 */
import { LaunchpadError } from '../../errors/errors.ts';
import { fileURLToPath } from 'node:url';
import type { Node } from '../../model/node.ts';
import type { Program } from '../../model/program.ts';
import { isPythonNode } from '../../model/python-node.ts';
import type { CodeLocation } from '../../protocol/node-spec.ts';
import { mainDeclared } from '../../node/child-hook.ts';
import { definitionUrls } from '../../internal/function-location.ts';
import { thrownMessage } from '../../errors/thrown.ts';

/** What the launcher knows of the main script when it looks for node code. */
export interface MainScriptGuard {
  /** The main script's URL, when `launch()` was called from it. */
  readonly url: string;
  /** Whether the script keeps its launcher code in `lp.main()`, so it may be imported. */
  readonly importable: boolean;
}

/** The guard for a launch called from the main script `entry` (if it was). */
export function mainScriptGuard(entry: string | undefined): MainScriptGuard | undefined {
  return entry === undefined ? undefined : { url: entry, importable: mainDeclared() };
}

/** How {@link locateExport} treats the main script and imports a module. */
export interface LocateOptions {
  /** The main script, when `launch()` was called from it. */
  readonly mainScript?: MainScriptGuard | undefined;
  /** Imports a module by URL. @default import() */
  readonly importModule?: (url: string) => Promise<unknown>;
}

/**
 * Finds the export of `node.code` in the module that defines it (`definedIn`, from
 * {@link definitionUrls}), else in the modules that created the node or the program.
 */
export async function locateExport(
  node: Node,
  program: Program,
  definedIn: string | undefined,
  { mainScript, importModule = (url) => import(url) }: LocateOptions = {},
): Promise<CodeLocation> {
  if (mainScript !== undefined && !mainScript.importable && definedIn === mainScript.url) {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      `Node ${node.id}: ${node.kind === 'service' ? 'class' : 'function'} ${node.codeName} is defined in the main script ` +
        `${fileURLToPath(mainScript.url)}, which node processes import to reach it; everything at the script's top level ` +
        'would then run in every node too. Put the code that launches the program in lp.main(async () => { … }), ' +
        'which runs only in the launcher, or move the node code to a module of its own.',
    );
  }
  // A main script that launches at its top level is never imported: not here (it is
  // still running, so the import would wait for ever), nor in a node process.
  const excluded = mainScript?.importable === false ? mainScript.url : undefined;
  const candidates = [...new Set([definedIn, node.definedAt, program.definedAt])].filter(
    (url): url is string => url !== undefined && url !== excluded,
  );
  const importFailures: string[] = [];
  for (const moduleUrl of candidates) {
    let namespace: Record<string, unknown>;
    try {
      namespace = (await importModule(moduleUrl)) as Record<string, unknown>;
    } catch (error) {
      // One module that cannot load here must not hide the others.
      importFailures.push(`${fileURLToPath(moduleUrl)} failed to import: ${thrownMessage(error)}`);
      continue;
    }
    for (const [exportName, value] of Object.entries(namespace)) {
      if (value === node.code) return { strategy: 'export', moduleUrl, exportName };
    }
    // A test runner may load the module apart from Node's own loader, so identity can
    // differ; an export of the same name is the same code.
    const byName = namespace[node.code.name];
    if (node.code.name !== '' && typeof byName === 'function') {
      return { strategy: 'export', moduleUrl, exportName: node.code.name };
    }
  }
  const where = candidates.map((url) => fileURLToPath(url)).join(' or ') || 'its module';
  throw new LaunchpadError(
    'INVALID_ARGUMENT',
    `Node ${node.id}: ${node.kind === 'service' ? 'class' : 'function'} ${node.codeName} is not exported from ${where}. ` +
      'A node process reaches code only through module exports: ' +
      `export it (\`export ${node.kind === 'service' ? 'class' : 'function'} ${node.codeName}\`).` +
      (importFailures.length > 0 ? ` (${importFailures.join('; ')})` : ''),
  );
}

/**
 * Where each TypeScript or JavaScript node's code is, in `program.nodes` order (Python
 * nodes are skipped: their process imports their `.py` file): what a node process imports. Every
 * launch type asks, `in-process` included though its nodes import nothing, so that a
 * program refused under `processes` (node code in a main script that launches at its top
 * level, code that is not exported) is refused the same way, with the same message, by
 * the launch type its tests run under.
 *
 * @param entry - the main script's URL when `launch()` was called from it
 * @throws LaunchpadError as {@link locateExport} does, for the first node refused
 */
export async function locateAllExports(
  program: Program,
  entry: string | undefined,
): Promise<CodeLocation[]> {
  const nodes = program.nodes;
  const definitions = await definitionUrls(nodes.map((node) => node.code));
  const mainScript = mainScriptGuard(entry);
  // Each module is imported once for all the nodes whose code it may export: under a
  // loader (tsx) every import() asks the loader's thread to resolve it again.
  const imported = new Map<string, Promise<unknown>>();
  const importOnce = (url: string): Promise<unknown> => {
    let namespace = imported.get(url);
    if (namespace === undefined) {
      namespace = import(url);
      imported.set(url, namespace);
    }
    return namespace;
  };
  const locations: CodeLocation[] = [];
  for (const [index, node] of nodes.entries()) {
    if (isPythonNode(node)) continue;
    locations.push(
      await locateExport(node, program, definitions[index], {
        mainScript,
        importModule: importOnce,
      }),
    );
  }
  return locations;
}
