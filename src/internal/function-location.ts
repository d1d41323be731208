/**
 * @module
 * Which file defines a function or class, asked of V8 through the in-process inspector.
 * JavaScript has no API for it, yet a node process needs that file to import the code.
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

/**
 * The file URLs of the modules defining each function, in order (`undefined` where V8
 * does not know). One inspector session serves the whole list.
 */
export async function definitionUrls(
  functions: readonly object[],
): Promise<(string | undefined)[]> {
  const session = new Session();
  session.connect();
  const scripts = new Map<string, string>();
  session.on('Debugger.scriptParsed', (message) => {
    scripts.set(message.params.scriptId, message.params.url);
  });
  const probe = globalThis as Record<string, unknown>;
  try {
    // Enabling the debugger replays a scriptParsed event for every script already loaded.
    await session.post('Debugger.enable');
    const urls: (string | undefined)[] = [];
    for (const fn of functions) {
      probe[PROBE_KEY] = fn;
      const { result } = await session.post('Runtime.evaluate', {
        expression: `globalThis.${PROBE_KEY}`,
      });
      if (result.objectId === undefined) {
        urls.push(undefined);
        continue;
      }
      const properties = (await session.post('Runtime.getProperties', {
        objectId: result.objectId,
        ownProperties: true,
      })) as PropertiesResult;
      const location = properties.internalProperties?.find(
        (p) => p.name === '[[FunctionLocation]]',
      );
      const scriptId = location?.value?.value?.scriptId;
      urls.push(scriptId === undefined ? undefined : fileUrlOf(scripts.get(scriptId)));
    }
    return urls;
  } finally {
    Reflect.deleteProperty(probe, PROBE_KEY);
    await session.post('Debugger.disable').catch(() => undefined);
    session.disconnect();
  }
}
