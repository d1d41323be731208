/**
 * `launchpad-ts dashboard <workdir>`: checks the folder, then reopens the history a launch
 * left there and serves it read-only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.ts';
import { makeCliTargetProgram } from '../fixtures/cli-target.ts';

const empty = mkdtempSync(join(tmpdir(), 'lp-cli-workdir-'));

afterAll(() => {
  rmSync(empty, { recursive: true, force: true });
});

describe('launchpad-ts dashboard', () => {
  it('refuses a folder without history', async () => {
    const noHistory = await runCli(['dashboard', empty]);
    expect(noHistory.code).toBe(1);
    expect(noHistory.stderr).toContain(`${empty} holds no history/ folder`);
  }, 60_000);

  it('reopens a finished launch read-only from its working directory', async () => {
    const { program } = makeCliTargetProgram();
    const running = lp.launch(program, {
      launchType: 'threads',
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      terminationGraceMs: 1_000,
    });
    await running.ready;
    await running.stop();
    await running.wait().catch(() => undefined);

    const served = startCli(['dashboard', running.workdir, '--port', '0']);
    await served.waitForOutput('\n');
    const url = new URL(/http:\/\/\S+/.exec(served.stdout())?.[0] ?? '');
    expect(url.hostname).toBe('127.0.0.1');
    const token = url.searchParams.get('token') ?? '';
    const get = async (path: string): Promise<Record<string, unknown>> =>
      (await (await fetch(`${url.origin}${path}?token=${token}`)).json()) as Record<
        string,
        unknown
      >;
    const launch = await get('/api/launch');
    expect(launch).toMatchObject({ programName: 'cli_target', readOnly: true });
    const nodes = (await get('/api/nodes'))['nodes'] as { id: string }[];
    expect(nodes.map((node) => node.id)).toEqual(['echo/0', 'spinner/0']);
    const stop = await fetch(`${url.origin}/api/stop?token=${token}`, { method: 'POST' });
    expect(stop.status).toBe(409);
    served.child.kill('SIGINT');
    expect((await served.ended).code).toBe(0);
  }, 120_000);
});
