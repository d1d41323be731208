/**
 * Launches run as scripts, the way users run them: exit codes, signals to the launcher,
 * the grace period, and no node process outliving its launcher.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import { interruptGroup, isAlive, runScript, startScript } from '../helpers/scripts.ts';

const pidsIn = (text: string): number[] =>
  [...text.matchAll(/up \S+ pid=(\d+)/g)].map((match) => Number(match[1]));

async function waitUntilDead(pids: readonly number[], limitMs: number): Promise<number[]> {
  for (let waited = 0; waited < limitMs; waited += 100) {
    if (pids.every((pid) => !isAlive(pid))) return [];
    await sleep(100);
  }
  return pids.filter(isAlive);
}

describe('a launcher script', () => {
  it('leaves no node process behind when the launcher is killed with SIGKILL', async () => {
    const run = startScript('test/fixtures/scripts/long-running.ts');
    await run.waitForOutput(
      /up sleeper\/0 pid=\d+[\s\S]*up sleeper\/1 pid=\d+|up sleeper\/1 pid=\d+[\s\S]*up sleeper\/0 pid=\d+/,
    );
    const pids = pidsIn(run.stdout());
    expect(pids).toHaveLength(2);
    run.child.kill('SIGKILL');
    await run.exited;
    // Bounded wait for the nodes to notice; the test fails if any is still alive after it.
    expect(await waitUntilDead(pids, 15_000)).toEqual([]);
  });

  it('leaves no node process behind even when the node is busy and its event loop blocked', async () => {
    const run = startScript('test/fixtures/scripts/busy.ts');
    await run.waitForOutput(/up busy pid=\d+/);
    const pids = pidsIn(run.stdout());
    expect(pids).toHaveLength(1);
    run.child.kill('SIGKILL');
    await run.exited;
    expect(await waitUntilDead(pids, 15_000)).toEqual([]);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'stops every node through its stop signal on %s and exits %i, as interrupted commands do',
    async (signal, exitCode) => {
      const run = startScript('test/fixtures/scripts/long-running.ts');
      await run.waitForOutput(
        /up sleeper\/0[\s\S]*up sleeper\/1|up sleeper\/1[\s\S]*up sleeper\/0/,
      );
      const pids = pidsIn(run.stdout());
      run.child.kill(signal);
      const { code } = await run.exited;
      expect(code).toBe(exitCode);
      expect(run.stdout()).toContain('[sleeper/0] stopped sleeper/0');
      expect(run.stdout()).toContain('[sleeper/1] stopped sleeper/1');
      expect(run.stdout()).toContain('launcher: clean stop');
      expect(pids.filter(isAlive)).toEqual([]);
      // Who stopped it is said: SIGTERM comes from outside the terminal.
      if (signal === 'SIGTERM') {
        expect(run.stderr()).toContain('launchpad-ts: stopping the program (SIGTERM).');
      }
    },
  );

  it('says that `launchpad-ts stop` stopped it, and exits 0 as after any stop asked for', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'lp-cli-stop-'));
    try {
      const env = { LP_STATE_DIR: stateDir };
      const run = startScript('test/fixtures/scripts/long-running.ts', [], env);
      await run.waitForOutput(
        /up sleeper\/0[\s\S]*up sleeper\/1|up sleeper\/1[\s\S]*up sleeper\/0/,
      );
      // The launch is recorded once its launch API listens, alongside the nodes' start.
      const launches = join(stateDir, 'launches');
      await waitUntil(
        () => existsSync(launches) && readdirSync(launches).some((file) => file.endsWith('.json')),
        'the launch record',
      );
      // The script lies in this repository, the project the command runs in.
      const stop = await runCli(['stop'], env);
      expect(stop.code, stop.stderr).toBe(0);
      const { code } = await run.exited;
      expect(code).toBe(0);
      expect(run.stderr()).toContain(
        'launchpad-ts: stopping long_running: `launchpad-ts stop` asked for it.',
      );
      expect(run.stdout()).toContain('launcher: clean stop');
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('kills a node that ignores the stop after the grace period', async () => {
    const run = startScript('test/fixtures/scripts/stubborn.ts');
    await run.waitForOutput(/up pid=\d+/);
    const [pid] = pidsIn(run.stdout().replace('up pid', 'up stubborn pid'));
    run.child.kill('SIGTERM');
    const { code } = await run.exited;
    expect(code).toBe(143);
    expect(run.stderr()).toContain('killing nodes that did not stop within 500 ms: stubborn/0');
    expect(run.stdout()).toContain('launcher: stopped after killing');
    expect(isAlive(pid!)).toBe(false);
  });

  it('kills every node at once on a second Ctrl-C', async () => {
    // A grace period far longer than the test's timeout: only the second Ctrl-C can end it.
    const run = startScript('test/fixtures/scripts/stubborn.ts', [], { GRACE_MS: '600000' });
    await run.waitForOutput(/up pid=\d+/);
    const [pid] = pidsIn(run.stdout().replace('up pid', 'up stubborn pid'));
    run.child.kill('SIGINT');
    // The second Ctrl-C only once the launcher has taken the first.
    await run.waitForError('Ctrl-C again to kill it at once');
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.stderr()).toContain('Ctrl-C again to kill it at once');
    expect(run.stderr()).toContain('killing every node');
    expect(isAlive(pid!)).toBe(false);
  });

  it('takes SIGINTs that arrive together as one Ctrl-C, as when a wrapper relays it', async () => {
    // tsx resends the terminal's SIGINT to its child when the child has not acknowledged it
    // within 30 ms: the copy arrives while the launcher is taking the first.
    const run = startScript('test/fixtures/scripts/stubborn.ts');
    await run.waitForOutput(/up pid=\d+/);
    // The copy is sent 100 ms after the first, without waiting to read the launcher's
    // answer: on a loaded machine reading it could take longer than the 0.5 s window.
    run.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 100));
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.stderr()).toContain('stopping the program');
    expect(run.stderr()).toContain('killing nodes that did not stop within 500 ms: stubborn/0');
    expect(run.stderr()).not.toContain('killing every node');
  });

  it('stops gracefully on one Ctrl-C to the terminal group of `tsx script.ts`', async () => {
    const run = startScript('test/fixtures/scripts/stubborn.ts', [], {}, { tsxCommand: true });
    await run.waitForOutput(/up pid=\d+/);
    interruptGroup(run);
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.stderr()).toContain('killing nodes that did not stop within 500 ms: stubborn/0');
    expect(run.stderr()).not.toContain('killing every node');
  });

  it('ends the process on a second Ctrl-C under in-process, where a busy node cannot be killed', async () => {
    const run = startScript('test/fixtures/scripts/stubborn.ts', ['--lp_launch_type=in-process'], {
      GRACE_MS: '600000',
    });
    await run.waitForOutput(/up pid=\d+/);
    run.child.kill('SIGINT');
    await run.waitForError('Ctrl-C again to kill it at once');
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(run.stderr()).toContain('in-process nodes cannot be killed; ending the process');
  });

  it('ends at once on Ctrl-\\ (SIGQUIT) under in-process while a node blocks the event loop', async () => {
    // No signal handler runs while the loop is blocked; SIGQUIT keeps its default action.
    const run = startScript('test/fixtures/scripts/busy.ts', ['--lp_launch_type=in-process']);
    await run.waitForOutput(/up busy pid=\d+/);
    run.child.kill('SIGQUIT');
    const { signal } = await run.exited;
    expect(signal).toBe('SIGQUIT');
  });

  it('says an unknown --lp_ flag alone, without a stack, and exits 2', async () => {
    const { code, stdout, stderr } = await runScript('test/fixtures/scripts/single-file.ts', [
      '--lp_lauch_type=threads',
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "launchpad-ts: Unknown launcher flag --lp_lauch_type; the launcher's flags are: --lp_launch_type, --lp_dry_run, --lp_time_limit, --lp_metrics_port, --lp_dashboard, --lp_python.\n",
    );
    expect(stdout).not.toContain('launcher code');
  });

  it.each([
    ['--lp_launch_type=thread', 'Unknown launch type "thread" (from --lp_launch_type).'],
    ['--lp_time_limit=abc', 'Expected --lp_time_limit to be a positive duration'],
    ['--lp_dashboard=99999', 'Expected --lp_dashboard to be a port number'],
  ])('says a wrong value in %s alone, without a stack, and exits 2', async (flag, message) => {
    const { code, stderr } = await runScript('test/fixtures/scripts/single-file.ts', [flag]);
    expect(code).toBe(2);
    expect(stderr).toContain(`launchpad-ts: ${message}`);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits non-zero naming the failed node and its error', async () => {
    const { code, stderr } = await runScript('test/fixtures/scripts/failing.ts');
    expect(code).not.toBe(0);
    expect(stderr).toContain('Node worker/0 failed: Error: the worker broke');
  });
});
