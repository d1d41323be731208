/**
 * The kubernetes launcher against what a real API server does that a happy path never
 * shows: watches that drop or expire (410 Gone), Pods stuck Pending, OOMKilled or deleted
 * from outside, refused creations, and a delete that fails once. Pods here are
 * `pretend`ed by the fake (Running, no process), so no node code runs and each test is
 * quick; the launcher learns everything from Pod statuses, as it would on a cluster.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProgram } from '../../examples/consumer_producers/program.ts';
import { capture } from '../helpers/capture.ts';
import { startFakeApiServer, type FakeApiServer, type KubeObject } from './fake-api-server.ts';
import { until } from './until.ts';

let fake: FakeApiServer | undefined;
let running: lp.RunningProgram | undefined;
afterEach(async () => {
  await running?.stop().catch(() => undefined);
  running = undefined;
  await fake?.close();
  fake = undefined;
});

function launch(
  server: FakeApiServer,
  stderr = capture(),
  kubernetes: Partial<NonNullable<lp.LaunchOptions['kubernetes']>> = {},
): lp.RunningProgram {
  running = lp.launch(makeProgram(1), {
    launchType: 'kubernetes',
    stdout: capture(),
    stderr,
    terminationGraceMs: 1_000,
    kubernetes: {
      cluster: { server: server.url },
      namespace: 'lp-test',
      controlHost: '127.0.0.1',
      defaults: { image: 'node:20-slim', cpu: 1, memory: '256Mi' },
      ...kubernetes,
    },
  });
  return running;
}

const labelOf = (pod: KubeObject): string => pod.metadata.labels?.['launchpad-ts/group'] ?? '';
const podOf = (server: FakeApiServer, label: string): string =>
  server.pods().find((pod) => labelOf(pod) === label)?.metadata.name ?? '';
const watchCount = (server: FakeApiServer): number =>
  server.requests.filter((r) => r.query['watch'] === 'true').length;

/** Waits until both Pods run and the launcher has said so. */
async function bothRunning(server: FakeApiServer, stderr: { text(): string }): Promise<void> {
  await until(
    () => ['consumer/0: running', 'producer/0: running'].every((s) => stderr.text().includes(s)),
    'both nodes to run',
  );
  expect(server.pods().map((pod) => pod.status?.['phase'])).toEqual(['Running', 'Running']);
}

describe('the kubernetes launcher against an API server that misbehaves', () => {
  it.each([
    ['resumes from its resourceVersion', false],
    ['lists again after 410 Gone', true],
  ])('learns of a Pod deleted while its watch was down: it %s', async (_how, compacted) => {
    fake = await startFakeApiServer({ startPod: () => 'pretend', watchTimeoutMs: 60_000 });
    const stderr = capture();
    const program = launch(fake, stderr);
    await bothRunning(fake, stderr);
    // The watch drops, and the next one fails: the deletion happens in the gap.
    const watches = watchCount(fake);
    fake.inject({ verb: 'watch', code: 503 });
    fake.endWatches();
    await until(() => watchCount(fake!) === watches + 1, 'the failed re-watch');
    fake.deletePod(podOf(fake, 'consumer'));
    if (compacted) fake.compact();
    await expect(program.wait()).rejects.toThrow(
      /^Node consumer\/0 failed: LaunchpadError: Node consumer\/0 was stopped: its Pod lp-consumer-producers-\w+-consumer-0 was deleted from outside the launcher/,
    );
    const watchesAfter = fake.requests.filter((r) => r.query['watch'] === 'true').slice(watches);
    expect(watchesAfter.at(-1)?.query['resourceVersion']).toMatch(/^\d+$/);
    expect(
      fake.requests.some(
        (r) => r.method === 'GET' && r.query['watch'] === undefined && !r.path.endsWith('/log'),
      ),
    ).toBe(true);
    expect(fake.objects()).toEqual([]);
  });

  it.each([
    [
      'ImagePullBackOff',
      { waiting: 'ImagePullBackOff' },
      /\(ImagePullBackOff: Back-off pulling image "node:20-slim"\)/,
    ],
    [
      'Unschedulable',
      { unschedulable: '0/3 nodes are available: 3 Insufficient cpu.' },
      /\(Unschedulable: 0\/3 nodes are available: 3 Insufficient cpu\.\)/,
    ],
  ])(
    'fails a Pod stuck Pending (%s) at the start deadline with its reason',
    async (_reason, start, reason) => {
      fake = await startFakeApiServer({
        startPod: (pod) => (labelOf(pod) === 'consumer' ? start : 'pretend'),
      });
      const stderr = capture();
      const program = launch(fake, stderr, { startDeadlineMs: 300 });
      const error = await program.wait().then(
        () => undefined,
        (thrown: unknown) => thrown as lp.LaunchpadError,
      );
      expect(error?.message).toMatch(
        /^Node consumer\/0 failed: LaunchpadError: Node consumer\/0 did not start: its Pod lp-consumer-producers-\w+-consumer-0 was still Pending after 300 ms /,
      );
      expect(error?.message).toMatch(reason);
      expect(error?.code).toBe('NODE_FAILED');
      expect((error?.cause as lp.LaunchpadError | undefined)?.code).toBe('DEADLINE_EXCEEDED');
      expect(error?.message).not.toMatch(/\n\s+at /);
      expect(stderr.text()).toMatch(/is Pending: (ImagePullBackOff|Unschedulable)/);
      expect(fake.objects()).toEqual([]);
    },
  );

  it('reports an OOMKilled Pod with its reason and memory limit', async () => {
    fake = await startFakeApiServer({ startPod: () => 'pretend' });
    const stderr = capture();
    const program = launch(fake, stderr);
    await bothRunning(fake, stderr);
    fake.oomKill(podOf(fake, 'producer'));
    await expect(program.wait()).rejects.toThrow(
      /^Node producer\/0 failed: LaunchpadError: Node producer\/0 was OOMKilled \(exit code 137\): its Pod \S+-producer-0 went over its memory limit of 256Mi\./,
    );
    expect(fake.objects()).toEqual([]);
  });

  it.each([
    [
      403,
      'pods',
      /^Kubernetes refused to create Pod \S+-0 in namespace lp-test: 403 Forbidden: pods "\S+" is forbidden: User/,
    ],
    [
      409,
      'services',
      /^Kubernetes refused to create Service \S+ in namespace lp-test: 409 AlreadyExists: services "\S+" already exists\./,
    ],
    [
      422,
      'pods',
      /^Kubernetes refused to create Pod \S+ in namespace lp-test: 422 Invalid: pods "\S+" is invalid\./,
    ],
  ] as const)(
    'fails the launch when a create is refused (%i), naming the object, and deletes only what it created',
    async (code, plural, message) => {
      fake = await startFakeApiServer({ startPod: () => 'pretend' });
      fake.inject({ verb: 'create', plural, code });
      await expect(launch(fake).wait()).rejects.toThrow(message);
      expect(fake.objects()).toEqual([]);
      const deleted = fake.requests
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.path.split('/')[5]);
      const created = fake.requests
        .filter((r) => r.method === 'POST')
        .map((r) => r.path.split('/')[5]);
      // The refused object is not the launch's: a 409 means someone else's of that name.
      expect(deleted.sort()).toEqual(created.slice(0, -1).sort());
    },
  );

  it('deletes every object on stop even when a delete fails once (503)', async () => {
    fake = await startFakeApiServer({ startPod: () => 'pretend' });
    const stderr = capture();
    const program = launch(fake, stderr);
    await bothRunning(fake, stderr);
    fake.inject({ verb: 'delete', plural: 'pods', code: 503 });
    await program.stop();
    await program.wait();
    expect(fake.objects()).toEqual([]);
  });

  it('validates the start deadline option', () => {
    expect(() =>
      lp.launch(makeProgram(1), {
        launchType: 'kubernetes',
        kubernetes: { defaults: { image: 'x' }, startDeadlineMs: 0 },
      }),
    ).toThrow(
      'Launch option kubernetes.startDeadlineMs must be a positive whole number and ≤ 2147483647, got 0.',
    );
  });
});
