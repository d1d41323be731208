/**
 * Which launch a command acts on without `--launch`, from folders that are not a project
 * (a folder holding many checkouts), and what an unknown `--launch ID` lists. The launches
 * are registry records only: the commands here must refuse before reaching any launch.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { writeRegistryRecord } from '../helpers/cli-target.ts';

let scratch: string;
let stateDir: string;

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lp-cli-choice-'));
  stateDir = join(scratch, 'state');
});

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A project `name` under `parent`, with a running launch of its `main.ts`. */
function projectWithLaunch(parent: string, name: string): string {
  const project = join(parent, name);
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), '{}');
  writeRegistryRecord(
    stateDir,
    { id: `${name}-1`, programName: name, workdir: join(stateDir, `${name}-wd`) },
    // Nothing listens there: a command that acted would fail with exit code 1.
    { url: 'http://127.0.0.1:9', token: 'x' },
    { script: join(project, 'main.ts') },
  );
  return project;
}

describe('launchpad-ts without --launch', () => {
  it('acts on no launch from a folder that holds projects but is none, and lists the running ones', async () => {
    const checkouts = join(scratch, 'checkouts');
    projectWithLaunch(checkouts, 'alpha');
    const runs = await Promise.all(
      [['status'], ['stop'], ['stack', 'a/0']].map((args) =>
        runCli(args, { LP_STATE_DIR: stateDir }, { cwd: checkouts }),
      ),
    );
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(
        `launchpad-ts: ${checkouts} is in no project (no package.json or .git in it or above it), so no launch is its own; nothing was done.`,
      );
      expect(run.stderr).toMatch(/alpha-1\s+alpha\s+\S+main\.ts/);
    }
  }, 60_000);

  it("from a project's subfolder, takes the project's launch and not its neighbour's", async () => {
    const checkouts = join(scratch, 'checkouts');
    const alpha = projectWithLaunch(checkouts, 'alpha');
    projectWithLaunch(checkouts, 'beta');
    const inside = join(alpha, 'src');
    mkdirSync(inside);
    // The launch chosen is alpha's: its API (nothing listens) is what fails.
    const run = await runCli(['status'], { LP_STATE_DIR: stateDir }, { cwd: inside });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('beta-1');
    expect(run.stderr).toContain('alpha-1');
  }, 60_000);
});

describe('launchpad-ts --launch with an unknown id', () => {
  it('lists at most 10 launches, one per line, the running first, and points to ls', async () => {
    for (let index = 0; index < 14; index += 1) {
      writeRegistryRecord(
        stateDir,
        { id: `old-${index}`, programName: 'old', workdir: join(stateDir, `old-${index}`) },
        { url: 'http://127.0.0.1:9', token: 'x' },
        {
          startedAt: new Date(Date.now() - (index + 1) * 60_000).toISOString(),
          endedAt: new Date().toISOString(),
          outcome: 'stopped',
        },
      );
    }
    projectWithLaunch(scratch, 'live');
    const run = await runCli(['stop', '--launch', 'nosuch'], { LP_STATE_DIR: stateDir });
    expect(run.code).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      `launchpad-ts: No launch nosuch is recorded in ${join(stateDir, 'launches')}; the 10 most relevant of 15 (running first, then newest first):`,
    );
    expect(lines.slice(1, 11).map((line) => line.trim().split(/\s+/))).toEqual([
      ['live-1', 'running'],
      ...Array.from({ length: 9 }, (_, index) => [`old-${index}`, 'stopped']),
    ]);
    expect(lines[11]).toBe('  … and 5 more: launchpad-ts ls lists them all.');
    expect(lines).toHaveLength(12);
  }, 60_000);
});
