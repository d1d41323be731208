/**
 * @module
 * Finding which user module called into launchpad-ts, from V8's structured stack frames.
 * The processes launcher uses it to know which module a child must import to reach a
 * node's code.
 */
import { realpathSync } from 'node:fs';
import { fileUrlOf } from './file-url.ts';
import { pathToFileURL } from 'node:url';

// Everything under src/ is launchpad-ts itself; a frame there is never the user's.
const OWN_SOURCE_ROOT = new URL('..', import.meta.url).href;

function stackFiles(): string[] {
  // Saved only to be restored below, never called.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.stackTraceLimit = 100;
    Error.prepareStackTrace = (_error, frames) => frames;
    Error.captureStackTrace(holder);
    const frames = holder.stack ?? [];
    return frames.flatMap((frame) => {
      const file = frame.getFileName() ?? frame.getScriptNameOrSourceURL();
      const url = typeof file === 'string' ? fileUrlOf(file) : undefined;
      return url === undefined ? [] : [url];
    });
  } finally {
    Error.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
  }
}

/** The file URL of the closest caller outside launchpad-ts, if any. */
export function userCallSite(): string | undefined {
  return stackFiles().find((file) => file.startsWith('file:') && !file.startsWith(OWN_SOURCE_ROOT));
}

/** The file URL of the script Node was started with (`process.argv[1]`), if any. */
export function mainModuleUrl(): string | undefined {
  const script = process.argv[1];
  if (script === undefined) return undefined;
  try {
    return pathToFileURL(realpathSync(script)).href;
  } catch {
    return undefined;
  }
}

/** True when the current call stack passes through the main script's code. */
export function calledFromMainModule(): boolean {
  const main = mainModuleUrl();
  return main !== undefined && stackFiles().includes(main);
}
