/**
 * A RemoteError that crosses several nodes keeps one prefix and names the nodes it came
 * back through.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { Relay, Thrower } from '../fixtures/error-chain.ts';
import { runScript } from '../helpers/scripts.ts';

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

// Run as a script: under vitest, V8's async stack traces (what the caller's frames come
// from) are not kept.
describe.each(['in-process', 'threads', 'processes'] as const)('under %s', (launchType) => {
  it("a remote error's stack holds the remote frames, then the caller's own, as an async stack would", async () => {
    const { code, stdout, stderr } = await runScript('test/fixtures/scripts/caller-frames.ts', [
      `--lp_launch_type=${launchType}`,
    ]);
    expect(code, stderr).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('RemoteError: TypeError in node c/0: boom at the end of the chain');
    // Where it was thrown, in the node...
    expect(lines[1]).toMatch(/^ {4}at Thrower\.go .*error-chain\.ts:\d+:\d+\)?$/);
    // ...and where the call was made, in the caller's own function.
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {4}at async askTheThrower .*caller-frames\.ts:\d+:\d+\)$/),
    );
  }, 60_000);
});
