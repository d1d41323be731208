/**
 * A Python node's life under the launcher: restarts after a SIGKILL, the stop (the
 * launcher's and its own), run(), a failing constructor, stack dumps, no orphan after the
 * launcher is SIGKILLed, and the clear errors of a missing interpreter or module.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import {
  isLive,
  MARKER_VARIABLE,
  markedProcesses,
  newMarker,
  pollFor,
} from '../helpers/processes.ts';
import { startScript } from '../helpers/scripts.ts';
import { capture } from '../helpers/capture.ts';
import { api } from '../helpers/dashboard.ts';
import { killAndAwaitSuccessor } from '../helpers/python-restart.ts';
import { Doubler, type EchoApi } from './fixtures/services.ts';
import { TEST_PYTHON } from './python-interpreter.ts';

const PATIENT = { timeoutMs: 30_000 };

function echoProgram(name: string): { program: lp.Program; echo: lp.Handle<EchoApi> } {
  const program = new lp.Program(name);
  const echo = program.addNode(new lp.PythonNode<EchoApi>('./fixtures/nodes.py', 'Echo'), 'echo');
  return { program, echo };
}

describe('a Python node under the launcher', () => {
  it('is restarted after a SIGKILL, keeps its id, and answers again', async () => {
    const { program, echo } = echoProgram('py-restart');
    await using running = lp.launch(program, {
      launchType: 'processes',
      python: TEST_PYTHON,
      restart: { mode: 'on-failure', backoffMs: 0 },
    });
    const client = lp.withOptions(running.client(echo), PATIENT);
    const { first, after } = await killAndAwaitSuccessor(client, 50);
    expect(after.pid).not.toBe(first.pid);
    expect(after.nodeId).toBe('echo/0');
    expect(running.nodes().get('echo/0')).toMatchObject({ restarts: 1 });
  });

  it('reaches a TypeScript node again once it was restarted', async () => {
    const program = new lp.Program('py-peer-restart');
    const doubler = program.addNode(new lp.ServiceNode(Doubler), 'doubler');
    const echo = program.addNode(
      new lp.PythonNode<EchoApi>('./fixtures/nodes.py', 'Echo', { doubler }),
      'echo',
    );
    await using running = lp.launch(program, {
      launchType: 'processes',
      python: TEST_PYTHON,
      restart: { mode: 'on-failure', backoffMs: 0 },
    });
    const client = lp.withOptions(running.client(echo), PATIENT);
    const first = (await client.call_peer('doubler', 'pid')) as number;
    process.kill(first, 'SIGKILL');
    // Python's connection to the dead process fails its calls (UNAVAILABLE); a later call
    // looks the node up again and reaches its successor.
    let after = first;
    for (let attempt = 0; attempt < 50 && after === first; attempt++) {
      after = (await client.call_peer('doubler', 'pid').catch((error: unknown) => {
        // The failed call escaped the Python method, code and all, as in TypeScript.
        expect(error).toMatchObject({ code: 'UNAVAILABLE' });
        return first;
      })) as number;
    }
    expect(after).not.toBe(first);
    expect(await client.call_peer('doubler', 'double', 4)).toBe(8);
  });

  it('ends with the stop, leaving no process behind', async () => {
    const { program, echo } = echoProgram('py-stop');
    const running = lp.launch(program, { launchType: 'processes', python: TEST_PYTHON });
    const { pid, ppid } = await lp.withOptions(running.client(echo), PATIENT).context();
    expect(isLive(pid)).toBe(true);
    // Started through setpriv's shell, which execs the interpreter: its parent is us.
    expect(ppid).toBe(process.pid);
    await running.stop();
    expect(await pollFor(() => (isLive(pid) ? undefined : true), 5_000)).toBe(true);
  });

  it('stops the program from Python with lp.stop()', async () => {
    const { program, echo } = echoProgram('py-own-stop');
    const running = lp.launch(program, { launchType: 'processes', python: TEST_PYTHON });
    expect(await lp.withOptions(running.client(echo), PATIENT).stop_program()).toBe(true);
    await running.wait();
  });

  it('runs run(), which calls a TypeScript node, until the stop', async () => {
    const program = new lp.Program('py-run');
    const doubler = program.addNode(new lp.ServiceNode(Doubler), 'doubler');
    const runner = program.addNode(
      new lp.PythonNode<{ result(): number | null }>('./fixtures/nodes.py', 'Runner', doubler),
      'runner',
    );
    await using running = lp.launch(program, { launchType: 'processes', python: TEST_PYTHON });
    const client = lp.withOptions(running.client(runner), PATIENT);
    // run() starts once the node serves; result() waits for its call to the TypeScript node.
    expect(await client.result()).toBe(42);
  });

  it('fails the program with the error of a failing constructor, traceback included', async () => {
    const program = new lp.Program('py-broken');
    program.addNode(new lp.PythonNode('./fixtures/nodes.py', 'Broken'), 'broken');
    const running = lp.launch(program, { launchType: 'processes', python: TEST_PYTHON });
    const error = await running.wait().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NODE_FAILED' });
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(lp.RemoteError);
    expect(cause).toMatchObject({ remoteName: 'RuntimeError', nodeId: 'broken/0' });
    expect((cause as lp.RemoteError).remoteStack).toMatch(/in __init__/);
  });

  it("prefixes its output with its node id and keeps it in the dashboard's log tail", async () => {
    const { program, echo } = echoProgram('py-output');
    const stdout = capture();
    await using running = lp.launch(program, {
      launchType: 'processes',
      python: TEST_PYTHON,
      stdout,
    });
    expect(await lp.withOptions(running.client(echo), PATIENT).say('hello from python')).toBe(true);
    await stdout.waitFor(/\[echo\/0\] hello from python/);
    const tail = await api<{ lines: { text: string }[] }>(
      await running.dashboardUrl(),
      '/api/logs/echo/0?tail=20',
    );
    expect(tail.body.lines.map((line) => line.text)).toContain('hello from python');
  });

  it('dumps the Python stack of every thread', async () => {
    const { program, echo } = echoProgram('py-stack');
    await using running = lp.launch(program, { launchType: 'processes', python: TEST_PYTHON });
    await lp.withOptions(running.client(echo), PATIENT).echo(1);
    const dump = await running.stackDump('echo/0');
    expect(dump).toMatch(/\[thread MainThread\]/);
    // The main thread runs the node's main (waiting for the stop, once it serves).
    expect(dump).toMatch(/main .*launchpad_ts\/node\.py:\d+/);
    expect(dump).toMatch(/\[thread lp-accept\]/);
  });
});

describe('a launcher killed outright', () => {
  it('leaves no Python node process behind', async () => {
    const marker = newMarker();
    const run = startScript('test/python/fixtures/launcher.ts', [], {
      [MARKER_VARIABLE]: marker,
      LP_TEST_PYTHON: TEST_PYTHON,
    });
    await run.waitForOutput(/python node pid=\d+/);
    const pid = Number(/python node pid=(\d+)/.exec(run.stdout())?.[1]);
    expect(isLive(pid)).toBe(true);
    run.child.kill('SIGKILL');
    await run.exited;
    const left = await pollFor(
      () => (markedProcesses(marker).length === 0 ? [] : undefined),
      5_000,
    );
    expect(left ?? markedProcesses(marker)).toEqual([]);
  });
});

describe('the interpreter check', () => {
  it('refuses a missing interpreter before any node starts, saying what to install', () => {
    const { program } = echoProgram('py-no-python');
    expect(() =>
      lp.launch(program, { launchType: 'processes', python: '/nonexistent/python3' }),
    ).toThrow(
      /"\/nonexistent\/python3" was not found.*Python ≥ 3.10 with numpy.*apt install python3 python3-numpy/s,
    );
  });

  it('refuses an interpreter without numpy, naming it and the module', () => {
    const directory = mkdtempSync(join(tmpdir(), 'lp-python-'));
    try {
      // Debian's Python without its site packages: no numpy.
      const bare = join(directory, 'python3');
      writeFileSync(bare, `#!/bin/sh\nexec ${TEST_PYTHON} -S "$@"\n`);
      chmodSync(bare, 0o755);
      const { program } = echoProgram('py-no-numpy');
      expect(() => lp.launch(program, { launchType: 'processes', python: bare })).toThrow(
        new RegExp(`"${bare}" \\(.*\\) has no module numpy\\. .*apt install`, 's'),
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses a module a node requires that the interpreter lacks, naming it, the node and the interpreter', () => {
    const program = new lp.Program('py-requires');
    program.addNode(
      new lp.PythonNode('./fixtures/nodes.py', 'Echo').requires('numpy', 'no_such_module_lp'),
      'echo',
    );
    expect(() => lp.launch(program, { launchType: 'processes', python: TEST_PYTHON })).toThrow(
      new RegExp(
        `"${TEST_PYTHON}" \\(.*\\) has no module no_such_module_lp \\(required by echo/0\\)\\. Install the package that provides no_such_module_lp`,
      ),
    );
    expect(() => new lp.PythonNode('./fixtures/nodes.py', 'Echo').requires('torch ')).toThrow(
      /requires\(\) takes Python module names/,
    );
  });

  it('refuses a missing .py file, naming the node', () => {
    const program = new lp.Program('py-no-file');
    program.addNode(new lp.PythonNode('./fixtures/missing.py', 'Echo'), 'echo');
    expect(() => lp.launch(program, { launchType: 'processes', python: TEST_PYTHON })).toThrow(
      /Node echo\/0 \(PythonNode Echo\): its file .*missing\.py does not exist/,
    );
  });

  it('refuses a Python node in a colocation', () => {
    const program = new lp.Program('py-colocated');
    program.addNode(
      new lp.ProcessColocation([new lp.PythonNode('./fixtures/nodes.py', 'Echo')]),
      'hosted',
    );
    expect(() => lp.launch(program, { launchType: 'processes', python: TEST_PYTHON })).toThrow(
      /Python node hosted\/0 cannot be colocated/,
    );
  });
});
