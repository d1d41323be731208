/**
 * @module
 * How the launcher tells a node process where its node's code is. JavaScript cannot ship
 * closures between processes, so a child reaches code through modules:
 *
 * - `entry`: when `launch()` is called from the main script, the child re-runs that
 *   script; the script rebuilds the program and its `launch()` call hands the program to
 *   the child, which picks its node by id.
 * - `export`: otherwise (a test, a library), the node's class or function must be an
 *   export of the module that defines it (found through V8's inspector), or of the module
 *   that created the node or the program; the child imports it.
 */
import { LaunchpadError } from '../errors.ts';
import { fileURLToPath } from 'node:url';
import type { Node } from '../program/node.ts';
import type { Program } from '../program/program.ts';
import type { CodeLocation } from './node-spec.ts';

/**
 * Finds the export of `node.code` in the module that defines it (`definedIn`, from
 * {@link definitionUrls}), else in the modules that created the node or the program.
 */
export async function locateExport(
  node: Node,
  program: Program,
  definedIn: string | undefined,
): Promise<CodeLocation> {
  const candidates = [...new Set([definedIn, node.definedAt, program.definedAt])].filter(
    (url): url is string => url !== undefined,
  );
  const importFailures: string[] = [];
  for (const moduleUrl of candidates) {
    let namespace: Record<string, unknown>;
    try {
      namespace = (await import(moduleUrl)) as Record<string, unknown>;
    } catch (error) {
      // One module that cannot load here must not hide the others.
      importFailures.push(
        `${fileURLToPath(moduleUrl)} failed to import: ${error instanceof Error ? error.message : String(error)}`,
      );
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
      'A node process reaches code only through module exports (or by re-running the main script): ' +
      `export it (\`export ${node.kind === 'service' ? 'class' : 'function'} ${node.codeName}\`), ` +
      'or call launch() from the main script.' +
      (importFailures.length > 0 ? ` (${importFailures.join('; ')})` : ''),
  );
}
