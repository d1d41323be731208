/**
 * The command line itself: `--help` on every command, and exit code 2 with a clear
 * message for an unknown flag, a missing argument or a bad value.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const COMMANDS = [
  'graph',
  'ls',
  'status',
  'logs',
  'stack',
  'profile',
  'stop',
  'dashboard',
  'python-path',
];

const emptyState = mkdtempSync(join(tmpdir(), 'lp-cli-empty-'));

afterAll(() => {
  rmSync(emptyState, { recursive: true, force: true });
});

describe('launchpad-ts usage', () => {
  it('prints help for the tool and for every command, exit code 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const command of COMMANDS) expect(top.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    const runs = await Promise.all(COMMANDS.map((command) => runCli([command, '--help'])));
    runs.forEach((run, index) => {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`Usage: launchpad-ts ${COMMANDS[index]!}`);
      expect(run.stdout).toContain('Example');
    });
  }, 90_000);

  it('exits with 2 and says why on an unknown flag, a missing argument or a bad value', async () => {
    const cases: [string[], string][] = [
      [['graph', 'x.js', '--colour'], "error: unknown option '--colour'"],
      [['ls', '--all-users'], "error: unknown option '--all-users'"],
      [['status', '--verbose'], "error: unknown option '--verbose'"],
      [['logs'], "error: missing required argument 'node'"],
      [['stack'], "error: missing required argument 'node'"],
      [['profile'], "error: missing required argument 'node'"],
      [['dashboard'], "error: missing required argument 'workdir'"],
      [['stop', 'now'], "error: too many arguments for 'stop'"],
      [['logs', 'a/0', '--tail', 'many'], 'Expected a whole number of 0 or more, got "many".'],
      [['graph', 'x.js', '--format', 'png'], 'Allowed choices are dot, mermaid, svg, json.'],
      [['dashboard', '.', '--port', '70000'], 'Expected a port from 0 to 65535, got "70000".'],
      [['deploy'], "error: unknown command 'deploy'"],
    ];
    // At once: each run is a process start, and none depends on another.
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    runs.forEach((run, index) => {
      const [args, message] = cases[index]!;
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(message);
    });
  }, 120_000);

  it('says there is no running launch of this project, exit code 2, for each command that acts on one', async () => {
    const env = { LP_STATE_DIR: emptyState };
    const runs = await Promise.all([
      runCli(['status'], env),
      runCli(['logs', 'a/0'], env),
      runCli(['stack', 'a/0'], env),
      runCli(['profile', 'a/0'], env),
      runCli(['stop'], env),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'launchpad-ts: No running launch of this project (a script under ',
      );
      expect(run.stderr).toContain(
        `nothing was done. None of the 0 launches recorded in ${join(emptyState, 'launches')} is running.`,
      );
    }
  }, 90_000);
});
