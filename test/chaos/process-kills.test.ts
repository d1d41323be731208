/**
 * Chaos, the process part: seeded random SIGKILLs of node processes and of a colocation
 * host under `on-failure`, against a service that logs every call it runs. No call may
 * run twice, and every call must either be answered or fail to its caller.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { Tally, type Whereabouts } from '../fixtures/hardening.ts';
import { childrenOf, isLive } from '../helpers/processes.ts';
import { chaosSeed, seededRandom } from '../helpers/seeded.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const ROUNDS = 4;
const CALLS_PER_ROUND = 120;
const IN_FLIGHT = 8;

let directory: string | undefined;
afterEach(() => {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

describe('random SIGKILLs of nodes and colocation hosts', () => {
  it('never runs a call twice and never loses one without an error to its caller', async () => {
    const seed = chaosSeed(20261130);
    const random = seededRandom(seed);
    console.log(`chaos seed ${String(seed)} (set LP_CHAOS_SEED to replay)`);
    directory = mkdtempSync(join(tmpdir(), 'lp-chaos-'));
    const logPath = join(directory, 'calls.log');
    writeFileSync(logPath, '');
    const program = new lp.Program('chaos');
    const plain = program.addNode(new lp.ServiceNode(Tally, logPath), 'plain');
    const hosted = program.addNode(
      new lp.ProcessColocation([
        new lp.ServiceNode(Tally, logPath),
        new lp.ServiceNode(Tally, logPath),
      ]),
      'hosted',
    );
    const handles = [plain, ...hosted];
    await using running = lp.launch(program, {
      launchType: 'processes',
      restart: { mode: 'on-failure', backoffMs: 0, maxRestarts: 100 },
      terminationGraceMs: 1_000,
    });
    const clients = handles.map((handle) =>
      lp.withOptions(running.client(handle), { timeoutMs: 5_000 }),
    );
    const patient = handles.map((handle) =>
      lp.withOptions(running.client(handle), { timeoutMs: 60_000 }),
    );
    // A pid this test killed, so a re-used or stale pid is never taken for a live node.
    const killed = new Set<number>();
    /**
     * Whether an answer came from the node's current process: a live process whose parent
     * is this test's launcher (a plain node) or a live, unkilled colocation host the
     * launcher started. A stale colocated child has been re-parented, so its `ppid` names
     * some other process, which must never be the victim of a kill.
     */
    const isCurrent = (answer: Whereabouts): boolean => {
      if (killed.has(answer.pid) || killed.has(answer.ppid) || !isLive(answer.pid)) return false;
      if (answer.ppid === process.pid) return true;
      return childrenOf(process.pid).some(({ pid }) => pid === answer.ppid);
    };
    let nextId = 0;
    const answered = new Map<number, number>();
    const failed: { callId: number; code: string }[] = [];
    const kills: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Every node answers first, which tells where each one runs now. A colocated child
      // whose host was just killed lives on for a moment (until its parent watch ends it)
      // and may still take a call: its answer ran and counts, but it says nothing of where
      // the node runs now, so the probe waits for that child to go and asks again. A call
      // that meets such a child as it goes fails with UNAVAILABLE, and counts as failed.
      const where: Whereabouts[] = [];
      for (const client of patient) {
        for (let attempt = 1; ; attempt++) {
          const callId = nextId++;
          try {
            const answer = await client.add(callId);
            answered.set(callId, answer.callId);
            if (isCurrent(answer)) {
              where.push(answer);
              break;
            }
            await waitUntil(
              () => !isLive(answer.pid),
              `stale node process ${String(answer.pid)} to end`,
            );
          } catch (error) {
            if (!lp.isLaunchpadError(error) || error.code !== 'UNAVAILABLE') throw error;
            failed.push({ callId, code: error.code });
          }
          if (attempt === 5) throw new Error(`no current answer from ${String(callId)} in 5 tries`);
        }
      }
      // The victim: a node's process, or the colocation host (and so both of its nodes).
      const pick = Math.floor(random() * (where.length + 1));
      const victim = pick < where.length ? where[pick]! : undefined;
      const pid = victim?.pid ?? where[1]!.ppid;
      killed.add(pid);
      const killAfter = Math.floor(random() * CALLS_PER_ROUND);
      kills.push(
        victim === undefined ? `host pid ${String(pid)}` : `${victim.nodeId} pid ${String(pid)}`,
      );
      // A few calls in flight at a time, each settled call making room for the next, so
      // the kill lands among calls in flight.
      let issued = 0;
      let settled = 0;
      await new Promise<void>((roundDone, roundFailed) => {
        const issue = (): void => {
          if (issued >= CALLS_PER_ROUND) {
            if (settled === CALLS_PER_ROUND) roundDone();
            return;
          }
          if (issued === killAfter) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch (error) {
              // The victim was alive at the probe and only this test kills: say so, rather
              // than leave the round's calls waiting for ever.
              roundFailed(error instanceof Error ? error : new Error(String(error)));
              return;
            }
          }
          issued++;
          const callId = nextId++;
          const client = clients[Math.floor(random() * clients.length)]!;
          void client
            .add(callId)
            .then(
              (answer) => {
                answered.set(callId, answer.callId);
              },
              (error: unknown) => {
                failed.push({
                  callId,
                  code: lp.isLaunchpadError(error) ? error.code : String(error),
                });
              },
            )
            .finally(() => {
              settled++;
              issue();
            });
        };
        for (let lane = 0; lane < IN_FLIGHT; lane++) issue();
      });
    }
    const ran = readFileSync(logPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map(Number);
    const runs = new Map<number, number>();
    for (const callId of ran) runs.set(callId, (runs.get(callId) ?? 0) + 1);
    console.log(
      `chaos: ${String(nextId)} calls, ${String(answered.size)} answered, ${String(failed.length)} failed, kills: ${kills.join('; ')}`,
    );
    // Every call settled once, answered with its own id or failed with an RPC error.
    expect(answered.size + failed.length).toBe(nextId);
    for (const [callId, echoed] of answered) expect(echoed).toBe(callId);
    const restarts = [...running.nodes().values()].reduce((sum, { restarts }) => sum + restarts, 0);
    expect(restarts).toBeGreaterThanOrEqual(ROUNDS);
    for (const { code } of failed) expect(['UNAVAILABLE', 'DEADLINE_EXCEEDED']).toContain(code);
    // An answered call ran exactly once; no call ran twice.
    for (const callId of answered.keys()) expect(runs.get(callId)).toBe(1);
    expect([...runs].filter(([, times]) => times > 1)).toEqual([]);
    // About 10 s on an idle machine; the bound only ends a broken run, and four busy
    // loops beside the suite made one run take over 240 s.
  }, 600_000);
});
