/**
 * @module
 * Normalising the script names V8 reports (paths or URLs, with query strings added by
 * loaders) to plain `file:` URLs.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The `file:` URL of a script name, or `undefined` when it names no file. */
export function fileUrlOf(name: string | undefined): string | undefined {
  if (name === undefined || name === '') return undefined;
  const plain = name.replace(/[?#].*$/, '');
  if (plain.startsWith('file:')) return plain;
  return isAbsolute(plain) ? pathToFileURL(plain).href : undefined;
}
