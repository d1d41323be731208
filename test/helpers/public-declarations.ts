/**
 * @module
 * The package's public declarations as a user's compiler sees them: `src/` compiled with
 * `tsconfig.build.json` (so `@internal` is stripped) into declaration files held in
 * memory, then read back as a program of `.d.ts` files. From it: the names each entry
 * point exports, and every declaration a public one reaches through its types that no
 * entry point exports (what a user would meet in a type yet could not name or import).
 */
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The package's entry points (`exports` in package.json), by their source file. */
export const ENTRY_POINTS = { '.': 'src/index.ts', './replay': 'src/replay/index.ts' } as const;

/** What the emitted declarations show a user. */
export interface PublicDeclarations {
  /** Each entry point's exported names, values and types, sorted. */
  readonly exports: Readonly<Record<string, readonly string[]>>;
  /** `file.d.ts#Name` of each declaration reached from a public one yet exported by none. */
  readonly unexported: readonly string[];
}

/** Compiles `src/` to declarations in memory and reads what they make public. */
export function readPublicDeclarations(): PublicDeclarations {
  const configFile = join(ROOT, 'tsconfig.build.json');
  const read = ts.readConfigFile(configFile, (path) => ts.sys.readFile(path));
  if (read.error !== undefined) throw new Error(format([read.error]));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT);
  const options: ts.CompilerOptions = {
    ...parsed.options,
    emitDeclarationOnly: true,
    declarationMap: false,
    noEmit: false,
  };
  const emitted = new Map<string, string>();
  const host = ts.createCompilerHost(options);
  host.writeFile = (name, text) => emitted.set(name, text);
  const source = ts.createProgram(
    Object.values(ENTRY_POINTS).map((file) => join(ROOT, file)),
    options,
    host,
  );
  const result = source.emit();
  if (result.diagnostics.length > 0) throw new Error(format(result.diagnostics));
  const outDir = options.outDir ?? join(ROOT, 'dist');
  // The declarations, read back the way a user's project reads dist/.
  const readBack = ts.createCompilerHost({});
  const fileExists = readBack.fileExists.bind(readBack);
  const readFile = readBack.readFile.bind(readBack);
  readBack.fileExists = (name) => emitted.has(name) || fileExists(name);
  readBack.readFile = (name) => emitted.get(name) ?? readFile(name);
  const declarationOf = (entry: string): string =>
    join(outDir, relative(join(ROOT, 'src'), join(ROOT, entry))).replace(/\.ts$/, '.d.ts');
  const entries = Object.entries(ENTRY_POINTS).map(
    ([name, file]) => [name, declarationOf(file)] as const,
  );
  const program = ts.createProgram(
    entries.map(([, file]) => file),
    { strict: true, target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.NodeNext, noEmit: true },
    readBack,
  );
  const checker = program.getTypeChecker();
  const exported = new Set<ts.Declaration>();
  const exportsOf: Record<string, string[]> = {};
  const roots: ts.Declaration[] = [];
  for (const [name, file] of entries) {
    const sourceFile = program.getSourceFile(file);
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (moduleSymbol === undefined) throw new Error(`no declarations emitted for ${name}`);
    const names: string[] = [];
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
      names.push(symbol.name);
      const target =
        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      for (const declaration of target.declarations ?? []) {
        exported.add(declaration);
        roots.push(declaration);
      }
    }
    exportsOf[name] = names.sort();
  }
  const unexported = new Set<string>();
  const seen = new Set<ts.Declaration>();
  const visit = (declaration: ts.Declaration): void => {
    if (seen.has(declaration)) return;
    seen.add(declaration);
    const file = declaration.getSourceFile();
    // The language's and Node's own types are the user's too.
    if (program.isSourceFileDefaultLibrary(file) || file.fileName.includes('/node_modules/')) {
      return;
    }
    if (!exported.has(declaration) && !ts.isTypeParameterDeclaration(declaration)) {
      const name = ts.getNameOfDeclaration(declaration)?.getText() ?? '?';
      unexported.add(`${relative(outDir, file.fileName)}#${name}`);
    }
    walk(declaration);
  };
  const walk = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const at = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      follow(checker.getSymbolAtLocation(at));
    } else if (ts.isTypeQueryNode(node)) {
      follow(checker.getSymbolAtLocation(node.exprName));
    } else if (ts.isImportTypeNode(node) && node.qualifier !== undefined) {
      follow(checker.getSymbolAtLocation(node.qualifier));
    }
    // Private members show no type in declarations, nothing to reach.
    ts.forEachChild(node, walk);
  };
  const follow = (symbol: ts.Symbol | undefined): void => {
    if (symbol === undefined) return;
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    for (const declaration of target.declarations ?? []) visit(declaration);
  };
  for (const root of roots) visit(root);
  return {
    exports: exportsOf,
    unexported: [...unexported].sort(),
  };
}

function format(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
}
