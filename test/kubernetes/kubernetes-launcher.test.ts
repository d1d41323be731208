/**
 * The kubernetes launcher against a loopback fake API server (no real cluster can run on
 * these machines). With `runPods`, the fake's kubelet runs each Pod's command as a local
 * process, so the manifests' command, env and Secret references are exercised for real.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { capture } from '../helpers/capture.ts';
import { expectColocated } from '../helpers/colocation-checks.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeProgram } from '../../examples/consumer_producers/program.ts';
import { runScript, startScript } from '../helpers/scripts.ts';
import { startFakeApiServer, type FakeApiServer, type KubeObject } from './fake-api-server.ts';
import { throwingProgram } from './fixtures.ts';
import { makeColocatedProgram, waitForReports } from '../fixtures/colocation.ts';

let fake: FakeApiServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function options(server: FakeApiServer, stdout = capture(), stderr = capture()): lp.LaunchOptions {
  return {
    launchType: 'kubernetes',
    stdout,
    stderr,
    kubernetes: {
      cluster: { server: server.url },
      namespace: 'lp-test',
      controlHost: '127.0.0.1',
      defaults: { image: 'node:20-slim', cpu: 1, memory: '256Mi' },
    },
  };
}

/** A kubeconfig file that points at `server`, and its removal. */
function writeKubeconfig(server: string): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lp-kubeconfig-'));
  const path = join(dir, 'config');
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake', user: { token: 'test' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
      'current-context': 'fake',
    }),
  );
  return {
    path,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('the kubernetes launcher against a fake API server', () => {
  it('creates a Secret, a headless Service and a Pod per node, streams logs, then deletes them all; nodes reach each other by Pod DNS names', async () => {
    fake = await startFakeApiServer({ runPods: true });
    const stdout = capture();
    const stderr = capture();
    await lp.launch(makeProgram(2), options(fake, stdout, stderr)).wait();
    expect(stdout.text()).toMatch(/^\[consumer\/0\] Results: \[ 0, 1 \]$/m);
    expect(stderr.text()).toContain('consumer/0: running');
    expect(stderr.text()).toContain('consumer/0: done');
    const calls = fake.requests.map(
      (r) => `${r.method} ${r.path.replace(/lp-consumer-producers-\w+/, 'X')}`,
    );
    expect(calls).toEqual(
      expect.arrayContaining([
        'POST /api/v1/namespaces/lp-test/secrets',
        'POST /api/v1/namespaces/lp-test/services',
        'POST /api/v1/namespaces/lp-test/pods',
        'GET /api/v1/namespaces/lp-test/pods',
        'GET /api/v1/namespaces/lp-test/pods/X-consumer-0/log',
        'DELETE /api/v1/namespaces/lp-test/pods/X-producer-0',
        'DELETE /api/v1/namespaces/lp-test/services/X',
        'DELETE /api/v1/namespaces/lp-test/secrets/X',
      ]),
    );
    expect(calls.filter((call) => call === 'POST /api/v1/namespaces/lp-test/pods')).toHaveLength(3);
    const watch = fake.requests.find((r) => r.query['watch'] === 'true');
    expect(watch?.query['labelSelector']).toMatch(/^launchpad-ts\/launch=\w+$/);
    expect(fake.objects()).toEqual([]);
    // The consumer found each producer under the name the headless Service gives its Pod
    // (the fake cluster DNS answers nothing else), not under a host name of this machine.
    const created = (plural: string): KubeObject[] =>
      fake!.requests
        .filter((r) => r.method === 'POST' && r.path.endsWith(`/${plural}`))
        .map((r) => r.body as KubeObject);
    const [service] = created('services');
    const producers = created('pods').filter((pod) => pod.metadata.name.includes('-producer-'));
    const names = producers.map((pod) => {
      expect(pod.spec?.['subdomain']).toBe(service?.metadata.name);
      return `${String(pod.spec?.['hostname'])}.${String(pod.spec?.['subdomain'])}.lp-test.svc`;
    });
    expect(names).toHaveLength(2);
    for (const name of names)
      expect(fake.dnsQueries).toContainEqual({ name, address: '127.0.0.1' });
    expect(fake.dnsQueries.filter((query) => query.address === undefined)).toEqual([]);
  });

  it('runs a colocation in one Pod: threads of one process, or children of one parent', async () => {
    fake = await startFakeApiServer({ runPods: true });
    const { program, learner } = makeColocatedProgram();
    const stdout = capture();
    const running = lp.launch(program, options(fake, stdout));
    try {
      const seen = await waitForReports(running.client(learner));
      expectColocated(seen);
      const pods = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pods'));
      expect(pods).toHaveLength(3); // the learner, and one Pod per colocation
    } finally {
      await running.stop();
    }
    // Deletion is graceful, as in Kubernetes: a Pod whose node processes are still ending
    // stays listed, with its deletion timestamp, until they have ended.
    await vi.waitFor(
      () => {
        expect(fake!.objects()).toEqual([]);
      },
      { timeout: 30_000, interval: 100 },
    );
  });

  it('fails the launch naming the node when a Pod fails, and deletes everything', async () => {
    fake = await startFakeApiServer({ runPods: true });
    const stderr = capture();
    const running = lp.launch(throwingProgram(), options(fake, capture(), stderr));
    await expect(running.wait()).rejects.toThrow(/Node thrower\/0 failed: .*boom in a pod/);
    expect(stderr.text()).toContain('thrower/0: failed');
    expect(fake.objects()).toEqual([]);
  });

  it('deletes Pods that are still pending on stop()', async () => {
    fake = await startFakeApiServer({ runPods: false });
    const running = lp.launch(makeProgram(1), options(fake));
    for (let i = 0; i < 100 && fake.objects().filter((o) => o.startsWith('Pod/')).length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(fake.objects()).toHaveLength(4);
    await running.stop();
    await running.wait();
    expect(fake.objects()).toEqual([]);
  });

  it('runs the consumer_producers example unchanged with --lp_launch_type=kubernetes', async () => {
    fake = await startFakeApiServer({ runPods: true });
    const kubeconfig = writeKubeconfig(fake.url);
    const { code, stdout, stderr } = await runScript(
      'examples/consumer_producers/main.ts',
      ['--lp_launch_type=kubernetes', '--num_producers=3'],
      {
        KUBECONFIG: kubeconfig.path,
        LP_KUBERNETES_CONTROL_HOST: '127.0.0.1',
        LP_KUBERNETES_IMAGE: 'node:20',
      },
    ).finally(kubeconfig.remove);
    expect(stderr).toContain('created 4 Pods for program consumer_producers');
    expect(code).toBe(0);
    expect(stdout).toContain('[consumer/0] Results: [ 0, 1, 2 ]');
    expect(fake.objects()).toEqual([]);
  });

  it('stops on Ctrl-C and deletes every Pod at once on a second Ctrl-C, whatever the grace period', async () => {
    fake = await startFakeApiServer({ runPods: true });
    const kubeconfig = writeKubeconfig(fake.url);
    // Its node ignores the stop and the grace period is ten minutes.
    const run = startScript('test/slurm/fixtures/stubborn.ts', ['--lp_launch_type=kubernetes'], {
      KUBECONFIG: kubeconfig.path,
      LP_KUBERNETES_CONTROL_HOST: '127.0.0.1',
      LP_KUBERNETES_IMAGE: 'node:20',
    });
    try {
      await run.waitForOutput('[stubborn/0] up: stubborn/0');
      run.child.kill('SIGINT');
      await run.waitForError('Ctrl-C again to kill it at once');
      expect(fake.objects().filter((o) => o.startsWith('Pod/'))).toHaveLength(1);
      run.child.kill('SIGINT');
      await run.exited;
      expect(run.stdout()).toContain('stubborn: launcher done');
      expect(fake.objects()).toEqual([]);
    } finally {
      run.child.kill('SIGKILL');
      kubeconfig.remove();
    }
  });

  it('names the group that has no image', () => {
    expect(() =>
      lp.launch(makeProgram(1), {
        launchType: 'kubernetes',
        kubernetes: { groups: { consumer: { image: 'x' } } },
      }),
    ).toThrow(
      'Launch option kubernetes.groups["producer"].image is not set, and neither is kubernetes.defaults.image (or LP_KUBERNETES_IMAGE): group producer has no container image.',
    );
  });
});
