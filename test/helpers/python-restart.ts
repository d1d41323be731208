/**
 * @module
 * SIGKILLs a Python echo node's process and waits for its successor to answer: what every
 * backend's restart test of a Python node does before it checks the restart.
 */
import { expect } from 'vitest';
import type { Client } from 'launchpad-ts';
import type { EchoApi } from '../python/fixtures/services.ts';

/** What the echo node says of itself. */
type EchoContext = ReturnType<EchoApi['context']>;

/**
 * Kills the process behind `client`'s node and calls it until a process with another pid
 * answers (at most `attempts` calls). Returns both contexts; the caller checks they differ.
 */
export async function killAndAwaitSuccessor(
  client: Client<EchoApi>,
  attempts: number,
): Promise<{ first: EchoContext; after: EchoContext }> {
  const first = await client.context();
  process.kill(first.pid, 'SIGKILL');
  // A call may meet the dying process (UNAVAILABLE); a later one reaches its successor,
  // which the launcher started once the first had died.
  let after = first;
  for (let attempt = 0; attempt < attempts && after.pid === first.pid; attempt++) {
    after = await client.context().catch((error: unknown) => {
      expect(error).toMatchObject({ code: 'UNAVAILABLE' });
      return first;
    });
  }
  return { first, after };
}
