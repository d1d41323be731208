/**
 * A RemoteError that crosses several nodes keeps one prefix and names the nodes it came
 * back through.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { Relay, Thrower } from '../fixtures/error-chain.ts';

function chainProgram(): { program: lp.Program; a: lp.Handle<Relay> } {
  const program = new lp.Program('error-chain');
  const c = program.addNode(new lp.ServiceNode(Thrower), 'c');
  const b = program.addNode(new lp.ServiceNode(Relay, c), 'b');
  const a = program.addNode(new lp.ServiceNode(Relay, b), 'a');
  return { program, a };
}

describe.each(['in-process'] as const)('under %s', (launchType) => {
  it('A → B → C where C throws: one prefix, thrown in C, via B then A', async () => {
    const { program, a } = chainProgram();
    await using running = lp.launch(program, { launchType });
    const error: unknown = await running
      .client(a)
      .go()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(lp.RemoteError);
    const remote = error as lp.RemoteError;
    expect(remote.nodeId).toBe('c/0');
    expect(remote.via).toEqual(['b/0', 'a/0']);
    expect(remote.remoteName).toBe('TypeError');
    expect(remote.remoteMessage).toBe('boom at the end of the chain');
    expect(remote.message).toBe(
      'TypeError in node c/0 (via b/0 → a/0): boom at the end of the chain',
    );
    expect(remote.message.match(/ in node /g)).toHaveLength(1);
  });
});
