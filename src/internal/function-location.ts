/**
 * @module
 * Which file defines a function or class, asked of V8 through the in-process inspector.
 * JavaScript has no API for it, yet a node process needs that file to import the code.
 *
 * V8 gives a function's script id (`[[FunctionLocation]]`) without any domain enabled. The
 * script's URL comes from the profiler's best-effort coverage, which lists every script
 * that has code in the heap with its id and URL in a few milliseconds. Enabling the
 * debugger lists them too, but replays an event for every script loaded, each with a hash
 * of its source: about 40 ms in a launcher run through tsx (some 240 scripts, 3.8 MB),
 * paid before any node can start. The debugger is asked only for a script the coverage
 * does not list.
 */
import { Session } from 'node:inspector/promises';
import { fileUrlOf } from './file-url.ts';

const PROBE_KEY = '__launchpadTsFunctionLocationProbe';

interface PropertiesResult {
  readonly internalProperties?: readonly {
    readonly name: string;
    readonly value?: { readonly value?: { readonly scriptId?: string } };
  }[];
}

interface CoverageResult {
  readonly result: readonly { readonly scriptId: string; readonly url: string }[];
}

/**
 * The file URLs of the modules defining each function, in order (`undefined` where V8
 * does not know). One inspector session serves the whole list, and each distinct function
 * is looked up once.
 */
export async function definitionUrls(
  functions: readonly object[],
): Promise<(string | undefined)[]> {
  const session = new Session();
  session.connect();
  const probe = globalThis as Record<string, unknown>;
  try {
    const scriptIds = new Map<object, string | undefined>();
    for (const fn of functions) {
      if (!scriptIds.has(fn)) scriptIds.set(fn, await scriptIdOf(session, fn, probe));
    }
    const wanted = new Set([...scriptIds.values()].filter((id) => id !== undefined));
    const scripts = await coveredScripts(session);
    if ([...wanted].some((id) => !scripts.has(id))) {
      for (const [id, url] of await debuggerScripts(session)) scripts.set(id, url);
    }
    return functions.map((fn) => {
      const scriptId = scriptIds.get(fn);
      return scriptId === undefined ? undefined : fileUrlOf(scripts.get(scriptId));
    });
  } finally {
    Reflect.deleteProperty(probe, PROBE_KEY);
    session.disconnect();
  }
}

/** The id of the script that defines `fn`, from its `[[FunctionLocation]]`. */
async function scriptIdOf(
  session: Session,
  fn: object,
  probe: Record<string, unknown>,
): Promise<string | undefined> {
  probe[PROBE_KEY] = fn;
  const { result } = await session.post('Runtime.evaluate', {
    expression: `globalThis.${PROBE_KEY}`,
  });
  if (result.objectId === undefined) return undefined;
  const properties = (await session.post('Runtime.getProperties', {
    objectId: result.objectId,
    ownProperties: true,
  })) as PropertiesResult;
  const location = properties.internalProperties?.find((p) => p.name === '[[FunctionLocation]]');
  return location?.value?.value?.scriptId;
}

/** Script id → URL of every script the profiler's best-effort coverage lists. */
async function coveredScripts(session: Session): Promise<Map<string, string>> {
  const scripts = new Map<string, string>();
  try {
    await session.post('Profiler.enable');
    const coverage = (await session.post('Profiler.getBestEffortCoverage')) as CoverageResult;
    for (const { scriptId, url } of coverage.result) scripts.set(scriptId, url);
  } catch {
    // The debugger below lists them all.
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
  }
  return scripts;
}

/** Script id → URL of every script loaded, replayed by enabling the debugger. */
async function debuggerScripts(session: Session): Promise<Map<string, string>> {
  const scripts = new Map<string, string>();
  const listener = (message: { params: { scriptId: string; url: string } }): void => {
    scripts.set(message.params.scriptId, message.params.url);
  };
  session.on('Debugger.scriptParsed', listener);
  try {
    // Enabling the debugger replays a scriptParsed event for every script already loaded.
    await session.post('Debugger.enable');
    return scripts;
  } finally {
    session.off('Debugger.scriptParsed', listener);
    await session.post('Debugger.disable').catch(() => undefined);
  }
}
