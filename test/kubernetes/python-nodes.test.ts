/**
 * Python nodes under the kubernetes launcher, against the fake API server: the fake
 * kubelet runs a Python node's Pod as one local Python process (its command and env as
 * rendered, the Secret's bootstrap, the fake cluster DNS through a sitecustomize hook),
 * which serves, calls a TypeScript Pod by its DNS name, prints through the Pod's log, is
 * restarted in a replacement Pod after a SIGKILL, reports its failure, and ends with the
 * stop. An image without the interpreter fails the node saying what the image needs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/capture.ts';
import { isLive } from '../helpers/processes.ts';
import { killAndAwaitSuccessor } from '../helpers/python-restart.ts';
import { Doubler, type EchoApi } from '../python/fixtures/services.ts';
import { TEST_PYTHON } from '../python/python-interpreter.ts';
import { startFakeApiServer, type FakeApiServer, type KubeObject } from './fake-api-server.ts';

const NODES_PY = new URL('../python/fixtures/nodes.py', import.meta.url);
const PATIENT = { timeoutMs: 30_000 };

let fake: FakeApiServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function options(server: FakeApiServer, extra: Partial<lp.LaunchOptions> = {}): lp.LaunchOptions {
  return {
    launchType: 'kubernetes',
    python: TEST_PYTHON,
    stdout: capture(),
    stderr: capture(),
    kubernetes: {
      cluster: { server: server.url },
      namespace: 'lp-test',
      controlHost: '127.0.0.1',
      defaults: { image: 'python:3.11-slim', cpu: 1, memory: '256Mi' },
    },
    ...extra,
  };
}

/** The Python node processes this test process started (the fake kubelet runs in it). */
function pythonNodeProcesses(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state = '', ppid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || Number(ppid) !== process.pid) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline.includes('launchpad_ts')) found.push(Number(entry));
    } catch {
      // Gone while read.
    }
  }
  return found;
}

function echoProgram(name: string): {
  program: lp.Program;
  echo: lp.Handle<EchoApi>;
} {
  const program = new lp.Program(name);
  const doubler = program.addNode(new lp.ServiceNode(Doubler), 'doubler');
  const echo = program.addNode(new lp.PythonNode<EchoApi>(NODES_PY, 'Echo', { doubler }), 'echo');
  return { program, echo };
}

function createdPods(server: FakeApiServer): KubeObject[] {
  return server.requests
    .filter((r) => r.method === 'POST' && r.path.endsWith('/pods'))
    .map((r) => r.body as KubeObject);
}

async function allDeleted(server: FakeApiServer): Promise<void> {
  await vi.waitFor(
    () => {
      expect(server.objects()).toEqual([]);
    },
    { timeout: 30_000, interval: 100 },
  );
}

describe('Python nodes on kubernetes (fake API server)', () => {
  it("runs a Python node as its Pod's one process, which calls a TypeScript Pod by its DNS name and ends with the stop", async () => {
    fake = await startFakeApiServer({ runPods: true });
    const stdout = capture();
    const stderr = capture();
    const { program, echo } = echoProgram('py-k8s');
    const running = lp.launch(program, options(fake, { stdout, stderr }));
    let pid = 0;
    try {
      const client = lp.withOptions(running.client(echo), PATIENT);
      const context = await client.context();
      pid = context.pid;
      expect(context).toMatchObject({ nodeId: 'echo/0', launchType: 'kubernetes' });
      // The fake kubelet (in this process) started the interpreter itself.
      expect(context.ppid).toBe(process.pid);
      expect(pythonNodeProcesses()).toEqual([pid]);
      // Python → TypeScript: the doubler's Pod DNS name resolved through the fake DNS.
      expect(await client.call_peer('doubler', 'double', 4)).toBe(8);
      expect(fake.dnsQueries).toContainEqual({
        name: expect.stringMatching(/^doubler-0\.lp-py-k8s-\w+\.lp-test\.svc$/) as unknown,
        address: '127.0.0.1',
      });
      expect(await client.say('hello from a python pod')).toBe(true);
      await stdout.waitFor(/^\[echo\/0\] hello from a python pod$/m);
      const pod = createdPods(fake).find((p) => p.metadata.name.includes('-echo-0'));
      const container = (pod?.spec?.['containers'] as Record<string, unknown>[] | undefined)?.[0];
      expect(container?.['command']).toEqual([TEST_PYTHON, '-u', '-m', 'launchpad_ts']);
      expect(container?.['env']).toContainEqual({ name: 'PYTHONPATH', value: 'python' });
      // Still one process for the one Pod, once the node has served a while.
      expect(pythonNodeProcesses()).toEqual([pid]);
    } finally {
      await running.stop();
    }
    expect(stderr.text()).toContain('echo/0: running');
    expect(stderr.text()).toContain('echo/0: done');
    expect(isLive(pid)).toBe(false);
    await allDeleted(fake);
  });

  it('restarts a SIGKILLed Python node in a replacement Pod, which answers again', async () => {
    fake = await startFakeApiServer({ runPods: true });
    const { program, echo } = echoProgram('py-k8s-restart');
    await using running = lp.launch(
      program,
      options(fake, { restart: { mode: 'on-failure', backoffMs: 0 } }),
    );
    const client = lp.withOptions(running.client(echo), PATIENT);
    const { first, after } = await killAndAwaitSuccessor(client, 100);
    expect(after.pid).not.toBe(first.pid);
    expect(after.nodeId).toBe('echo/0');
    expect(running.nodes().get('echo/0')).toMatchObject({ restarts: 1 });
    expect(createdPods(fake).map((pod) => pod.metadata.name)).toContainEqual(
      expect.stringMatching(/-echo-0-r1$/),
    );
    expect(pythonNodeProcesses()).toEqual([after.pid]);
    expect(await client.call_peer('doubler', 'double', 5)).toBe(10);
  });

  it('fails the program with the error the Python node reports, traceback included', async () => {
    fake = await startFakeApiServer({ runPods: true });
    const program = new lp.Program('py-k8s-broken');
    program.addNode(new lp.PythonNode(NODES_PY, 'Broken'), 'broken');
    const error = await lp
      .launch(program, options(fake))
      .wait()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NODE_FAILED' });
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(lp.RemoteError);
    expect(cause).toMatchObject({ remoteName: 'RuntimeError', nodeId: 'broken/0' });
    expect((cause as lp.RemoteError).remoteStack).toMatch(/in __init__/);
    await allDeleted(fake);
  });

  it('fails a Python node whose image has no such interpreter, saying what the image needs', async () => {
    fake = await startFakeApiServer({ runPods: true });
    const { program } = echoProgram('py-k8s-no-python');
    // No launcher-side check: the interpreter is the image's, not this machine's.
    const error = await lp
      .launch(program, options(fake, { python: '/nonexistent/python3' }))
      .wait()
      .catch((e: unknown) => e);
    expect(String(error)).toMatch(
      /Node echo\/0 failed: its Pod \S+ ended with StartError: .*exec: "\/nonexistent\/python3".*\(exit code 128\)\. A Python node's image \(python:3\.11-slim\) must have Python ≥ 3\.10 with numpy as "\/nonexistent\/python3"/,
    );
    await allDeleted(fake);
  });
});
