/**
 * `status`, `logs`, `stack` and `stop` acting on a running launch through its launch API,
 * the most recent running launch by default or the one named by `--launch`. The launch
 * comes from startCliTarget(): a real launch under processes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.ts';
import { waitUntil } from '../helpers/wait-until.ts';
import {
  READY_LINE,
  SPIN_FUNCTION,
  startCliTarget,
  writeRegistryRecord,
  type CliTarget,
} from '../helpers/cli-target.ts';

let target: CliTarget;

beforeEach(async () => {
  target = await startCliTarget();
});

afterEach(async () => {
  await target.close();
});

describe('launchpad-ts on a running launch', () => {
  it('status shows the launch and a row per node, as a table and as JSON', async () => {
    const [table, json] = await Promise.all([
      runCli(['status'], target.env),
      runCli(['status', '--json'], target.env),
    ]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(`Launch ${target.launchId}: program `);
    const rows = table.stdout.split('\n').filter((line) => /^\S+\/\d+\s/.test(line));
    expect(rows.map((row) => row.split(/\s+/).slice(0, 2))).toEqual(
      target.nodeIds.map((id) => [id, 'running']),
    );
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      launch: { id: string };
      nodes: { id: string; state: string }[];
    };
    expect(parsed.launch.id).toBe(target.launchId);
    expect(parsed.nodes.map((node) => node.id)).toEqual(target.nodeIds);
  }, 60_000);

  it('status --diagnose finds echo/0 healthy and spinner/0 blocked, with pids and where it spins; exit code 3', async () => {
    // spinner/0 blocked its event loop from its start: it never reports. Its silence is a
    // finding once it has lasted the threshold (5 s) of the launch API.
    interface Row {
      id: string;
      state: string;
      notReporting?: boolean;
    }
    let table = '';
    await waitUntil(async () => {
      const status = await runCli(['status', '--json'], target.env);
      const rows = (JSON.parse(status.stdout) as { nodes: Row[] }).nodes;
      if (rows.find((row) => row.id === 'spinner/0')?.notReporting !== true) return false;
      table = (await runCli(['status'], target.env)).stdout;
      return true;
    }, 'spinner/0 to be not reporting');
    expect(table).toMatch(/^spinner\/0\s+running \(not reporting\)/m);
    const run = await runCli(['status', '--diagnose'], target.env);
    expect(run.code, run.stderr).toBe(3);
    const diagnosis = JSON.parse(run.stdout) as {
      healthy: boolean;
      nodes: {
        id: string;
        state: string;
        pid?: number;
        answered: boolean | null;
        problem?: string;
      }[];
    };
    expect(diagnosis.healthy).toBe(false);
    const [echo, spinner] = diagnosis.nodes;
    expect(echo).toMatchObject({ id: 'echo/0', state: 'running', answered: true });
    expect(echo?.problem).toBeUndefined();
    expect(echo?.pid).toEqual(expect.any(Number));
    expect(spinner).toMatchObject({ id: 'spinner/0', state: 'running', answered: true });
    // A node that never reported still has its pid, from its stack dump.
    expect(spinner?.pid).toEqual(expect.any(Number));
    expect(spinner?.pid).not.toBe(echo?.pid);
    expect(spinner?.problem).toMatch(
      /^blocked: its event loop sent no metrics report for \d+ s although its diagnostics thread answered; its stack: (spinForever|spinner) file:/,
    );
  }, 90_000);

  it('logs prints what a node printed; an unknown node is named with the known ones', async () => {
    const [logs, unknown] = await Promise.all([
      runCli(['logs', 'echo/0', '--tail', '5'], target.env),
      runCli(['logs', 'nobody/0'], target.env),
    ]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout.split('\n')).toContain(READY_LINE);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nobody/0');
    expect(unknown.stderr).toContain('404');
    for (const id of target.nodeIds) expect(unknown.stderr).toContain(id);
  }, 60_000);

  it('logs -f keeps printing the lines a node prints', async () => {
    const follow = startCli(['logs', 'echo/0', '-f'], target.env);
    // The latest lines come first: once they are out, the stream is open.
    await follow.waitForOutput(READY_LINE);
    await target.print('a line printed while followed');
    await follow.waitForOutput('a line printed while followed\n');
    follow.child.kill('SIGINT');
    await follow.ended;
  }, 60_000);

  it('stack prints the stack of a node spinning in a busy loop, naming the function', async () => {
    const run = await runCli(['stack', 'spinner/0'], target.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(SPIN_FUNCTION);
  }, 60_000);

  it('profile writes a .cpuprofile of a node spinning in a busy loop, where it spins', async () => {
    const file = join(target.stateDir, 'spinner.cpuprofile');
    const [run, bad] = await Promise.all([
      runCli(['profile', 'spinner/0', '--ms', '300', '-o', file], target.env),
      runCli(['profile', 'spinner/0', '--ms', '0'], target.env),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${file}\n`);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as {
      nodes: { callFrame: { functionName: string } }[];
      startTime: number;
      endTime: number;
    };
    expect(profile.endTime).toBeGreaterThan(profile.startTime);
    // V8 may inline the busy loop into the node's function: either name shows where it spins.
    const names = profile.nodes.map((node) => node.callFrame.functionName);
    expect(
      names.some((name) => name === SPIN_FUNCTION || name === 'spinner'),
      names.join(),
    ).toBe(true);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'Expected a whole number of milliseconds from 1 to 60000, got "0"',
    );
  }, 60_000);

  it('stop asks the launch to stop', async () => {
    const run = await runCli(['stop'], target.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Stopping launch ${target.launchId}`);
    await target.stopped();
  }, 60_000);

  it('--launch picks a launch by id, and refuses an unknown one or one that ended', async () => {
    const workdir = join(target.stateDir, 'old-wd');
    writeRegistryRecord(
      target.stateDir,
      { id: 'old-1', programName: 'old', workdir },
      { url: 'http://127.0.0.1:9', token: 'x' },
      { endedAt: new Date().toISOString(), outcome: 'stopped' },
    );
    const [picked, unknown, ended] = await Promise.all([
      runCli(['status', '--json', '--launch', target.launchId], target.env),
      runCli(['status', '--launch', 'no-such-launch'], target.env),
      runCli(['stack', 'echo/0', '--launch', 'old-1'], target.env),
    ]);
    expect(picked.code, picked.stderr).toBe(0);
    expect((JSON.parse(picked.stdout) as { launch: { id: string } }).launch.id).toBe(
      target.launchId,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No launch no-such-launch is recorded in');
    expect(unknown.stderr).toContain(target.launchId);
    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain(
      `Launch old-1 is not running (stopped); reopen it read-only with launchpad-ts dashboard ${workdir}`,
    );
  }, 60_000);

  it("without --launch, acts only on this project's running launch; with none or several, lists them and exits 2", async () => {
    // A running launch of another project, started later: never chosen from here.
    writeRegistryRecord(
      target.stateDir,
      { id: 'other-1', programName: 'other', workdir: join(target.stateDir, 'other-wd') },
      { url: 'http://127.0.0.1:9', token: 'x' },
      { script: '/somewhere/else/main.ts', startedAt: new Date(Date.now() + 60_000).toISOString() },
    );
    const picked = await runCli(['status', '--json'], target.env);
    expect(picked.code, picked.stderr).toBe(0);
    expect((JSON.parse(picked.stdout) as { launch: { id: string } }).launch.id).toBe(
      target.launchId,
    );
    // From a project with no running launch: nothing is done.
    const elsewhereProject = join(target.stateDir, 'elsewhere');
    mkdirSync(elsewhereProject);
    writeFileSync(join(elsewhereProject, 'package.json'), '{}');
    const elsewhere = await runCli(['stop'], target.env, { cwd: elsewhereProject });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain('No running launch of this project');
    expect(elsewhere.stderr).toMatch(
      /other-1\s+other\s+\/somewhere\/else\/main\.ts\s+\/somewhere\/else/,
    );
    expect(elsewhere.stderr).toContain(target.launchId);
    // A second running launch of this project: the command cannot choose, and stops nothing.
    writeRegistryRecord(
      target.stateDir,
      { id: 'mine-2', programName: 'mine', workdir: join(target.stateDir, 'mine-wd') },
      { url: 'http://127.0.0.1:9', token: 'x' },
    );
    const several = await runCli(['stop'], target.env);
    expect(several.code).toBe(2);
    expect(several.stderr).toContain('2 launches of this project');
    expect(several.stderr).toContain('mine-2');
    expect(several.stderr).toContain(target.launchId);
    expect(several.stderr).not.toContain('other-1');
    const status = await runCli(['status', '--json', '--launch', target.launchId], target.env);
    expect((JSON.parse(status.stdout) as { nodes: { state: string }[] }).nodes[0]?.state).toBe(
      'running',
    );
  }, 60_000);
});
