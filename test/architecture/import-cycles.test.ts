/**
 * No runtime import cycle in `src/`: a module that is still evaluating when another one
 * reads its exports hands out `undefined` (or throws on a `class` or `const` in its
 * temporal dead zone), depending on which file happens to load first. The layer rule
 * keeps folders from importing each other both ways; this keeps files within a folder
 * from doing so. `import type` and `export type` are erased and do not count, nor does a
 * dynamic `import()`, which runs after loading.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');

// Cycles known and left for the change that reworks their folder; each must go from this
// list when it is broken (the test fails while a listed cycle no longer exists).
const KNOWN_CYCLES: string[] = [];

/** Every `.ts` file below `folder`. */
function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(folder, name));
}

/**
 * The files of `src/` that `file` imports at run time: static `import` and `export … from`
 * declarations of relative paths that are not `import type`/`export type`. An import of
 * only inline `type` names still loads the module (`verbatimModuleSyntax` keeps it).
 */
export function runtimeImports(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const imported: string[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(statement)) {
      if (statement.importClause?.phaseModifier === ts.SyntaxKind.TypeKeyword) continue;
      specifier = statement.moduleSpecifier;
    } else if (ts.isExportDeclaration(statement)) {
      if (statement.isTypeOnly) continue;
      specifier = statement.moduleSpecifier;
    }
    if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
    if (!specifier.text.startsWith('.')) continue;
    imported.push(resolve(dirname(file), specifier.text));
  }
  return imported;
}

/** The import cycles of `graph`, each as the files around it (first file repeated last). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (file: string): void => {
    const at = onPath.indexOf(file);
    if (at !== -1) {
      cycles.push([...onPath.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    onPath.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    onPath.pop();
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) visit(file);
  return cycles;
}

describe('the runtime imports of src/', () => {
  it('finds a cycle, and ignores type-only imports', () => {
    const files = new Map([
      ['/a.ts', "import { b } from './b.ts';\nimport type { C } from './c.ts';"],
      ['/b.ts', "export { a } from './a.ts';"],
      ['/c.ts', "import type { A } from './a.ts';\nexport type { B } from './b.ts';"],
    ]);
    const graph = new Map([...files].map(([file, text]) => [file, runtimeImports(file, text)]));
    expect(importCycles(graph)).toEqual([['/a.ts', '/b.ts', '/a.ts']]);
  });

  it('form no cycle but the known ones', () => {
    const graph = new Map(
      sourceFiles(SRC).map((file) => [file, runtimeImports(file, readFileSync(file, 'utf8'))]),
    );
    const cycles = importCycles(graph).map((cycle) =>
      cycle.map((file) => relative(SRC, file)).join(' → '),
    );
    expect(cycles).toEqual(KNOWN_CYCLES);
  });
});
