/**
 * @module
 * How `launchpad-ts graph` runs a user's script: plain `node` for JavaScript, with the tsx
 * loader for TypeScript (found from the script's own project first), as a user would
 * run it themselves.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CliError } from './cli-error.ts';

// `.ts` when launchpad-ts runs from its sources (its own tests), `.js` from dist/.
const OWN_EXTENSION = extname(fileURLToPath(import.meta.url));
const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);
const JAVASCRIPT_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/**
 * The arguments after `node` that run `script` (an absolute path) with `args`.
 *
 * @throws CliError when the script is missing, is neither JavaScript nor TypeScript, or
 * is TypeScript and tsx is not installed
 */
export function scriptNodeArgs(script: string, args: readonly string[]): string[] {
  if (!existsSync(script)) throw new CliError(`Script ${script} does not exist.`);
  const extension = extname(script);
  const typeScript = TYPESCRIPT_EXTENSIONS.has(extension);
  if (!typeScript && !JAVASCRIPT_EXTENSIONS.has(extension)) {
    throw new CliError(
      `Script ${script} is neither JavaScript (.js, .mjs, .cjs) nor TypeScript (.ts, .mts, .cts, .tsx).`,
    );
  }
  // From its sources, launchpad-ts itself is TypeScript: the script's import of it needs tsx.
  const loader = typeScript || OWN_EXTENSION !== '.js' ? tsxLoader(script) : undefined;
  return [
    // The package conditions this process resolves with (launchpad-ts's own tests set one).
    ...process.execArgv.filter(
      (flag) => flag.startsWith('--conditions=') || flag.startsWith('-C='),
    ),
    ...(loader === undefined ? [] : ['--import', loader]),
    script,
    ...args,
  ];
}

/** The file URL of tsx, from the script's project, else the working directory, else ours. */
function tsxLoader(script: string): string {
  const bases = [
    pathToFileURL(`${dirname(script)}/`).href,
    pathToFileURL(`${process.cwd()}/`).href,
    import.meta.url,
  ];
  for (const base of bases) {
    try {
      return pathToFileURL(createRequire(base).resolve('tsx')).href;
    } catch {
      // Not installed there: try the next place.
    }
  }
  throw new CliError(
    `Script ${script} is TypeScript, which needs tsx, and tsx is not installed. ` +
      'Install it (npm i -D tsx), or compile the script to JavaScript and pass the .js file.',
  );
}
