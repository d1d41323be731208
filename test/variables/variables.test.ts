/** Versioned variables: a store that answers only with newer versions, and a client that follows it. */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { ParamLearner, ParamReader } from '../fixtures/variables.ts';

describe('VariableStore', () => {
  it('versions each publication and answers only readers that are behind', () => {
    const store = new lp.VariableStore<{ w: Float32Array }>();
    expect(store.version).toBe(0);
    expect(store.fetchVariables(0)).toBeNull();
    expect(store.publish({ w: new Float32Array([1]) })).toBe(1);
    expect(store.fetchVariables(0)).toEqual({ version: 1, values: { w: new Float32Array([1]) } });
    expect(store.fetchVariables(1)).toBeNull();
    store.publish({ w: new Float32Array([2]) });
    expect(store.fetchVariables(1)?.version).toBe(2);
    expect(() => store.fetchVariables('x' as never)).toThrow(/sinceVersion to be a number/);
  });
});

describe('VariableClient', () => {
  it('fetches every updatePeriod calls, in the background, keeping the newest version', async () => {
    const store = new lp.VariableStore<number>();
    let calls = 0;
    const source = {
      fetchVariables: (since: number) => {
        calls++;
        return Promise.resolve(store.fetchVariables(since));
      },
    };
    const client = new lp.VariableClient(source, { updatePeriod: 3 });
    store.publish(10);
    client.update();
    client.update();
    expect(calls).toBe(0);
    client.update();
    expect(calls).toBe(1);
    // Not applied yet: update() never waits.
    expect(client.values).toBeUndefined();
    await client.updateAndWait();
    expect(client.values).toBe(10);
    expect(client.version).toBe(1);
    store.publish(20);
    await client.updateAndWait();
    expect([client.values, client.version, client.fetches]).toEqual([20, 2, 2]);
    client.close();
  });

  it('keeps the last error of a background fetch and clears it on success', async () => {
    let fail = true;
    const client = new lp.VariableClient<number>({
      fetchVariables: () =>
        fail
          ? Promise.reject(new Error('learner down'))
          : Promise.resolve({ version: 1, values: 5 }),
    });
    await expect(client.updateAndWait()).rejects.toThrow('learner down');
    fail = false;
    await client.updateAndWait();
    expect(client.lastError).toBeUndefined();
    expect(client.values).toBe(5);
  });

  it('refuses a source without fetchVariables and a bad period', () => {
    expect(() => new lp.VariableClient({} as never)).toThrow(
      /fetchVariables\(sinceVersion\) method/,
    );
    const source = { fetchVariables: () => null };
    expect(() => new lp.VariableClient(source, { updatePeriod: 0 })).toThrow(
      /updatePeriod.*integer ≥ 1, got 0/,
    );
  });
});

describe('variables across nodes', () => {
  let running: lp.RunningProgram | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('readers of a learner node get each new version once, and nothing when up to date', async () => {
    const program = new lp.Program('variables');
    const learner = program.addNode(new lp.ServiceNode(ParamLearner, 1_000), 'learner');
    const readers = [0, 1].map(() =>
      program.addNode(new lp.ServiceNode(ParamReader, learner, 10), 'reader'),
    );
    running = lp.launch(program, { launchType: 'threads' });
    await running.ready;
    const learnerClient = running.client(learner);
    await learnerClient.publish();
    for (const reader of readers) {
      expect(await running.client(reader).step(5)).toEqual({ version: 1, first: 1 });
    }
    await learnerClient.publish();
    await learnerClient.publish();
    for (const reader of readers) {
      // Ten steps start one background fetch; the version seen skips straight to the latest.
      expect(await running.client(reader).step(10)).toEqual({ version: 3, first: 3 });
    }
    const served = await learnerClient.stats();
    expect(served.newer).toBe(4);
    expect(served.unchanged).toBeGreaterThanOrEqual(2);
  });
});
