/**
 * `launchpad-ts ls`: the launches recorded in the registry, with the state each record
 * tells (a record without an end whose launcher is gone is a crashed launch).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

let stateDir = '';

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'lp-cli-state-'));
});

afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

/** The pid of a process that has ended (and was reaped), so no process has it now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('close', resolve));
  return child.pid!;
}

function writeRecord(record: Record<string, unknown>): void {
  const folder = join(stateDir, 'launches');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${String(record['id'])}.json`), JSON.stringify(record));
}

function record(
  id: string,
  startedAt: string,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return {
    id,
    programName: `program_${id}`,
    launchType: 'processes',
    script: `/home/user/${id}.ts`,
    pid: process.pid,
    workdir: `/tmp/launchpad/${id}`,
    startedAt,
    apiUrl: 'http://127.0.0.1:9',
    token: 'secret',
    ...extra,
  };
}

describe('launchpad-ts ls', () => {
  it('lists running, stopped, failed and crashed launches, the most recent first', async () => {
    // A running launch's record names a launcher that started before it: this process.
    const now = new Date().toISOString();
    writeRecord(record('running-1', now, {}));
    writeRecord(
      record('stopped-1', '2026-11-30T10:00:02.000Z', {
        endedAt: '2026-11-30T10:05:00.000Z',
        outcome: 'stopped',
      }),
    );
    writeRecord(
      record('failed-1', '2026-11-30T10:00:01.000Z', {
        endedAt: '2026-11-30T10:01:00.000Z',
        outcome: 'failed',
      }),
    );
    writeRecord(record('crashed-1', '2026-11-30T10:00:00.000Z', { pid: await deadPid() }));
    // What a launcher leaves while it writes a record, and a file that is no record.
    writeFileSync(join(stateDir, 'launches', 'running-2.json.tmp'), '{"id":');
    writeFileSync(join(stateDir, 'launches', 'broken.json'), '{"id": "broken"}');
    const env = { LP_STATE_DIR: stateDir };

    const json = await runCli(['ls', '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        id: 'running-1',
        program: 'program_running-1',
        launchType: 'processes',
        state: 'running',
        startedAt: now,
        script: '/home/user/running-1.ts',
        directory: '/home/user',
        workdir: '/tmp/launchpad/running-1',
      },
      {
        id: 'stopped-1',
        program: 'program_stopped-1',
        launchType: 'processes',
        state: 'stopped',
        startedAt: '2026-11-30T10:00:02.000Z',
        endedAt: '2026-11-30T10:05:00.000Z',
        script: '/home/user/stopped-1.ts',
        directory: '/home/user',
        workdir: '/tmp/launchpad/stopped-1',
      },
      {
        id: 'failed-1',
        program: 'program_failed-1',
        launchType: 'processes',
        state: 'failed',
        startedAt: '2026-11-30T10:00:01.000Z',
        endedAt: '2026-11-30T10:01:00.000Z',
        script: '/home/user/failed-1.ts',
        directory: '/home/user',
        workdir: '/tmp/launchpad/failed-1',
      },
      {
        id: 'crashed-1',
        program: 'program_crashed-1',
        launchType: 'processes',
        state: 'crashed',
        startedAt: '2026-11-30T10:00:00.000Z',
        script: '/home/user/crashed-1.ts',
        directory: '/home/user',
        workdir: '/tmp/launchpad/crashed-1',
      },
    ]);
    expect(json.stderr).toContain(
      `skipped ${join(stateDir, 'launches', 'broken.json')}: not a launch record`,
    );

    const table = await runCli(['ls'], env);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+PROGRAM\s+TYPE\s+STATE\s+STARTED\s+SCRIPT\s+DIRECTORY\s+WORKDIR$/,
    );
    expect(
      lines
        .slice(1)
        .map((line) => [...line.split(/\s+/).slice(0, 4), ...line.split(/\s+/).slice(5, 7)]),
    ).toEqual([
      [
        'running-1',
        'program_running-1',
        'processes',
        'running',
        '/home/user/running-1.ts',
        '/home/user',
      ],
      [
        'stopped-1',
        'program_stopped-1',
        'processes',
        'stopped',
        '/home/user/stopped-1.ts',
        '/home/user',
      ],
      [
        'failed-1',
        'program_failed-1',
        'processes',
        'failed',
        '/home/user/failed-1.ts',
        '/home/user',
      ],
      [
        'crashed-1',
        'program_crashed-1',
        'processes',
        'crashed',
        '/home/user/crashed-1.ts',
        '/home/user',
      ],
    ]);
  }, 60_000);

  it('says where it looked when no launch is recorded, and finds the state folder through XDG_STATE_HOME', async () => {
    const run = await runCli(['ls'], { LP_STATE_DIR: '', XDG_STATE_HOME: stateDir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      `No launches recorded in ${join(stateDir, 'launchpad-ts', 'launches')}.\n`,
    );
  }, 60_000);
});
