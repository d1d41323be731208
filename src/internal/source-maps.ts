/**
 * @module
 * Source maps read when a frame needs one: a JavaScript file's map (`<file>.map`, beside
 * it) is read and parsed on the first lookup of one of its positions, and kept. Node reads
 * a module's map as the module loads, when source maps are on; launchpad-ts loads its own
 * bundles with them off, so that no process pays for a map before an error or a stack
 * dump needs it.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { pathToFileURL } from 'node:url';

/** A file's parsed source map, and the map's URL, which its sources are relative to. */
interface LoadedMap {
  readonly map: SourceMap;
  readonly url: string;
}

const MAPS = new Map<string, LoadedMap | null>();

function mapBeside(file: string): LoadedMap | null {
  let loaded = MAPS.get(file);
  if (loaded !== undefined) return loaded;
  const mapFile = `${file}.map`;
  try {
    // The map is the library's own or one the launcher wrote: Node's parser takes it as
    // it is, and a map that is missing or that it cannot parse leaves positions as they ran.
    const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as ConstructorParameters<
      typeof SourceMap
    >[0];
    loaded = { map: new SourceMap(payload), url: pathToFileURL(mapFile).href };
  } catch {
    loaded = null;
  }
  MAPS.set(file, loaded);
  return loaded;
}

/** A position in an original source file: its URL, and 0-based line and column. */
export interface OriginalPosition {
  readonly url: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Where the 0-based `line` and `column` of the JavaScript file `file` came from, through
 * the source map beside it; undefined when it has none, or the map does not cover it.
 */
export function originalPosition(
  file: string,
  line: number,
  column: number,
): OriginalPosition | undefined {
  const loaded = mapBeside(file);
  if (loaded === null) return undefined;
  // Read from disk: an entry that is not what a map gives, or a source that makes no URL,
  // leaves the position as it ran, rather than failing the error or dump that asked.
  try {
    const found = loaded.map.findEntry(line, column) as {
      originalSource?: unknown;
      originalLine?: unknown;
      originalColumn?: unknown;
    };
    const { originalSource, originalLine, originalColumn } = found;
    if (typeof originalSource !== 'string' || typeof originalLine !== 'number') return undefined;
    return {
      url: new URL(originalSource, loaded.url).href,
      line: originalLine,
      column: typeof originalColumn === 'number' ? originalColumn : 0,
    };
  } catch {
    return undefined;
  }
}
