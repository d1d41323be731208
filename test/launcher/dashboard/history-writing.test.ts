/**
 * Writing a launch's history: its modes (no token anywhere in it, the user's alone, even
 * in an explicit 0755 working directory), a `history/` that is a symbolic link, and a
 * working directory where it cannot be written (a file named `history`, a full disk as
 * `/dev/full`): the launch goes on and says once that history is off.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { HistoryWriter } from '../../../src/launcher/dashboard/history-writer.ts';
import { makeDashboardProgram } from '../../fixtures/dashboard.ts';
import { cleansUpAfterEach } from '../../helpers/cleanups.ts';

const cleanups = cleansUpAfterEach();

const startedAt = new Date().toISOString();

/** Whether user `nobody` can read `path` (undefined when this test cannot switch users). */
function nobodyCanRead(path: string): boolean | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const run = spawnSync(
    'setpriv',
    ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'cat', path],
    {
      encoding: 'utf8',
    },
  );
  if (run.error !== undefined) return undefined;
  return run.status === 0;
}

describe("a launch's history on disk (defect 1)", () => {
  it('holds no token, its folders are 0700 and its files 0600, and another user reads none of it', async () => {
    const workdir = cleanups.tempDir('lp-history-modes-');
    // An explicit working directory, 0755 as the was.
    const { program } = makeDashboardProgram();
    const running = lp.launch(program, {
      launchType: 'threads',
      workdir,
      dashboard: true,
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      terminationGraceMs: 5_000,
    });
    const url = await running.dashboardUrl();
    await running.ready;
    await running.stop();
    const token = new URL(url).searchParams.get('token') ?? '';
    expect(token.length).toBeGreaterThan(20);

    const history = join(workdir, 'history');
    const files: string[] = [];
    const folders: string[] = [history];
    const walk = (folder: string): void => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) {
          folders.push(path);
          walk(path);
        } else files.push(path);
      }
    };
    walk(history);
    expect(files.map((path) => path.slice(history.length + 1)).sort()).toEqual(
      expect.arrayContaining(['events.jsonl', 'graph.json', 'launch.json']),
    );
    for (const folder of folders)
      expect([folder, statSync(folder).mode & 0o777]).toEqual([folder, 0o700]);
    for (const file of files) {
      expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
      expect(readFileSync(file, 'utf8')).not.toContain(token);
    }
    const record = JSON.parse(readFileSync(join(history, 'launch.json'), 'utf8')) as object;
    expect(record).not.toHaveProperty('token');
    expect(record).not.toHaveProperty('dashboardUrl');
    expect(record).toMatchObject({ host: hostname(), pid: process.pid });
    // And as another user, where this test can be one.
    const readable = nobodyCanRead(join(history, 'launch.json'));
    if (readable !== undefined) expect(readable).toBe(false);
  });
});

describe('a history folder that is a symbolic link', () => {
  it('is not written through: the history is off, the target untouched', () => {
    const workdir = cleanups.tempDir('lp-history-link-');
    const target = cleanups.tempDir('lp-history-target-');
    chmodSync(target, 0o755);
    symlinkSync(target, join(workdir, 'history'));
    const warnings: string[] = [];
    const writer = new HistoryWriter(workdir, (message) => warnings.push(message));
    writer.writeGraph({ nodes: [], edges: [] });
    writer.log('store/0', { t: startedAt, stream: 'stdout', text: 'x' });
    writer.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/symbolic link.*history is off/);
    expect(readdirSync(target)).toEqual([]);
    expect(statSync(target).mode & 0o777).toBe(0o755);
  });
});

describe('a working directory the history cannot be written in (defect 7)', () => {
  it('leaves the launch running and says once that history is off', async () => {
    const workdir = cleanups.tempDir('lp-history-off-');
    // A file where the history's folder would be: mkdir fails even for root.
    writeFileSync(join(workdir, 'history'), 'not a folder');
    const { program, store } = makeDashboardProgram();
    const stderr = new PassThrough();
    let printed = '';
    stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const running = lp.launch(program, {
      launchType: 'threads',
      workdir,
      stdout: new PassThrough(),
      stderr,
      terminationGraceMs: 5_000,
    });
    await running.dashboardUrl();
    await running.ready;
    // The launch works: a call is answered.
    await running.client(store).say('still here');
    await running.stop();
    await running.wait();
    const warnings = printed.split('\n').filter((line) => line.includes('history is off'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(workdir, 'history'));
  });

  it('on a full disk (/dev/full): one warning, and nothing kept for the history after it', () => {
    const workdir = cleanups.tempDir('lp-history-full-');
    const warnings: string[] = [];
    const writer = new HistoryWriter(workdir, (message) => warnings.push(message));
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    symlinkSync('/dev/full', join(workdir, 'history', 'events.jsonl'));
    for (let index = 0; index < 5; index++) {
      writer.event({ t: startedAt, kind: 'launch', outcome: 'stopped' });
      writer.flush();
    }
    writer.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ENOSPC.*history is off/);
    expect(writer.writing).toBe(false);
  });

  it('as a writer: one warning, however many writes follow', () => {
    const workdir = cleanups.tempDir('lp-history-writer-');
    writeFileSync(join(workdir, 'history'), '');
    const warnings: string[] = [];
    const writer = new HistoryWriter(workdir, (message) => warnings.push(message));
    writer.writeGraph({ nodes: [], edges: [] });
    writer.event({ t: startedAt, kind: 'launch', outcome: 'stopped' });
    writer.log('store/0', { t: startedAt, stream: 'stdout', text: 'x' });
    writer.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/history is off for this launch/);
  });
});
