/**
 * Stack dumps in tests: a spin starts just after the call that starts it returns, so a
 * dump is retaken until it shows what the test waits for.
 */
import type * as lp from 'launchpad-ts';
import { waitUntil } from './wait-until.ts';

/** Retakes a dump of `nodeId` until it names `name`; the error shows the last dump. */
export async function dumpNaming(
  running: lp.RunningProgram,
  nodeId: string,
  name: string,
): Promise<string> {
  let text = '';
  try {
    await waitUntil(
      async () => (text = await running.stackDump(nodeId)).includes(name),
      `a stack of ${nodeId} naming ${name}`,
    );
  } catch (error) {
    throw new Error(`${String(error)} The last dump:\n${text}`);
  }
  return text;
}
