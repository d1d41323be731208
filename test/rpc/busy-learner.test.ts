/**
 * A learner whose loop samples a replay node in another thread with calls kept in flight
 * (`sampleStream`), working on each batch synchronously, still answers its callers: a call
 * made while the loop is busy is answered before the loop has handled 2 more batches over
 * a MessagePort (`threads`). Over a port, Node delivers every message queued
 * on it (up to 1,000) in one go, including those that arrive meanwhile; the replay thread
 * answered each sample call before the loop had finished the batch before it, so the loop
 * ran inside one such delivery for hundreds of batches and the node read nothing else.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReplayService } from '../../src/replay/index.ts';
import { sampleStream } from '../../src/replay/index.ts';
import type { Client } from '../../src/rpc/client-type.ts';
import { Peer } from '../../src/rpc/peer.ts';
import { RpcClient } from '../../src/rpc/rpc-client.ts';
import { createClient } from '../../src/rpc/typed-client.ts';
import { closePorts, serveOver } from './port-harness.ts';

/** The loop's synchronous work per batch: longer than the 1 ms bound on a busy turn. */
const WORK_MS = 3;
/** The call is made when the loop reaches this batch. */
const CALL_AT = 10;
/** The call must be answered before the loop has handled more batches than this. */
const MAX_BATCHES_WHILE_WAITING = 2;
/** The loop stops here at the latest: long after the call if it is answered in time. */
const BATCHES = CALL_AT + 60;

class Learner {
  batches = 0;
  getParams(): Float32Array {
    return new Float32Array(4096).fill(this.batches);
  }
}

/** The learner gives up waiting for the replay thread after this long (a broken fixture). */
const REPLAY_WAIT_LIMIT_MS = 10_000;

/**
 * Works for `ms` and until the replay thread has answered `calls` sample calls: the
 * answer to the next call is then waiting on this side when the batch ends, however
 * loaded the machine, as it is when the replay node keeps up.
 */
function work(ms: number, answered: Int32Array, calls: number): void {
  const start = performance.now();
  for (;;) {
    const now = performance.now();
    if (now - start >= ms && Atomics.load(answered, 0) >= calls) return;
    if (now - start > REPLAY_WAIT_LIMIT_MS) throw new Error('The replay thread stopped answering.');
  }
}

/** The secret of `fixtures/replay-thread.ts`. */
const REPLAY_THREAD_SECRET = 'replay-thread-secret';

const threads: Worker[] = [];
const peers: Peer[] = [];

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await closePorts();
  await Promise.all(threads.splice(0).map((thread) => thread.terminate()));
});

/** A client of a replay service that runs in a thread of its own. */
async function replayInThread(
  over: 'tcp' | 'port',
  answered: Int32Array,
): Promise<Client<ReplayService>> {
  // The thread loads the fixture's TypeScript through tsx, as the test runner does here.
  const fixture = new URL('fixtures/replay-thread.ts', import.meta.url).href;
  const thread = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(fixture)}); });`,
    { eval: true, workerData: { answered } },
  );
  threads.push(thread);
  const { address } = await new Promise<{ address: string }>((resolve, reject) => {
    thread.once('message', resolve);
    thread.once('error', reject);
  });
  const peer = new Peer('replay/0', {
    secret: REPLAY_THREAD_SECRET,
    callerId: 'learner/0',
    resolver: { resolve: () => Promise.resolve(address) },
    maxMessageBytes: 1024 ** 3,
    ...(over === 'port'
      ? {
          connectPort: () => {
            const { port1, port2 } = new MessageChannel();
            thread.postMessage({ port: port1 }, [port1]);
            return Promise.resolve(port2);
          },
        }
      : {}),
  });
  peers.push(peer);
  return createClient<ReplayService>(new RpcClient(peer, {}));
}

describe('a learner sampling a replay thread with calls in flight and work per batch', () => {
  // Over TCP the node reads each socket once per turn of its event loop, so such a call
  // already waited 1 to 3 batches (as the socket reads fell) before this change; over a
  // port it waited until the loop stopped.
  it.each(['port'] as const)('answers a call made mid-loop within 2 batches (%s)', async (over) => {
    const answered = new Int32Array(new SharedArrayBuffer(4));
    const replay = await replayInThread(over, answered);
    const learner = new Learner();
    const learnerClient = await serveOver(learner, 'learner/0', over);
    await learnerClient.getParams(); // connected before the loop starts

    let waitedBatches: number | undefined;
    let call: Promise<void> | undefined;
    for await (const batch of sampleStream(replay, 'replay', { batchSize: 64, inFlight: 2 })) {
      expect(batch).toHaveLength(64);
      learner.batches++;
      // The stream has made one call more than the batches handed out so far.
      work(WORK_MS, answered, learner.batches + 1);
      if (learner.batches === CALL_AT) {
        // The batches the loop handled before the call ran, as the call itself saw.
        call = learnerClient.getParams().then((params) => {
          waitedBatches = (params[0] ?? Infinity) - CALL_AT;
        });
      }
      if (learner.batches === BATCHES || waitedBatches !== undefined) break;
    }
    await call;
    expect(waitedBatches).toBeDefined();
    expect(waitedBatches).toBeLessThanOrEqual(MAX_BATCHES_WHILE_WAITING);
  });
});
