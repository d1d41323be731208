/**
 * The launcher's `--lp_*` flags: every spelling, clear errors, and the program's own
 * arguments without them.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';

describe('launchFlags', () => {
  it.each([
    [['--lp_launch_type', 'slurm'], 'slurm'],
    [['--lp_launch_type=slurm'], 'slurm'],
    [['--workers=2', '--lp_launch_type', 'threads', 'extra'], 'threads'],
    [[], undefined],
  ])('reads the launch type from %j', (args, launchType) => {
    expect(lp.launchFlags(args).launchType).toBe(launchType);
  });

  it.each([
    [['--lp_dry_run'], true],
    [['--lp_dry_run=1'], true],
    [['--lp_dry_run=true'], true],
    [['--lp_dry_run=0'], false],
    [['--lp_dry_run=false'], false],
    [['--other'], undefined],
  ])('reads the dry run from %j', (args, dryRun) => {
    expect(lp.launchFlags(args).dryRun).toBe(dryRun);
  });

  it.each([
    [['--lp_time_limit', '90s'], '90s'],
    [['--lp_time_limit=5m'], '5m'],
  ])('reads the time limit from %j', (args, timeLimit) => {
    expect(lp.launchFlags(args).timeLimit).toBe(timeLimit);
  });

  it.each([
    [['--lp_python', '/opt/venv/bin/python'], '/opt/venv/bin/python'],
    [['--lp_python=python3.12'], 'python3.12'],
    [['--lr=0.1'], undefined],
  ])('reads the Python interpreter from %j', (args, python) => {
    expect(lp.launchFlags(args).python).toBe(python);
  });

  it('leaves flags after -- to the program', () => {
    expect(lp.launchFlags(['--', '--lp_dry_run']).dryRun).toBeUndefined();
    expect(lp.userArgs(['--', '--lp_dry_run'])).toEqual(['--', '--lp_dry_run']);
  });

  it('refuses an unknown --lp_ flag, a flag without its value, and a wrong dry-run value', () => {
    expect(() => lp.launchFlags(['--lp_lauch_type=slurm'])).toThrow(
      "Unknown launcher flag --lp_lauch_type; the launcher's flags are: --lp_launch_type, --lp_dry_run, --lp_time_limit, --lp_metrics_port, --lp_dashboard, --lp_python.",
    );
    expect(() => lp.launchFlags(['--lp_launch_type'])).toThrow(
      'Expected --lp_launch_type to have a value: --lp_launch_type=<value> or --lp_launch_type <value>.',
    );
    expect(() => lp.launchFlags(['--lp_dry_run=maybe'])).toThrow(
      'Expected --lp_dry_run to be given alone or as --lp_dry_run=1, =true, =0 or =false, got --lp_dry_run=maybe.',
    );
  });

  it.each([
    [['--lp_launch_type=thread'], 'Unknown launch type "thread" (from --lp_launch_type).'],
    [['--lp_time_limit=abc'], 'Expected --lp_time_limit to be a positive duration'],
    [
      ['--lp_dashboard=99999'],
      'Expected --lp_dashboard to be a port number from 0 (any free port) to 65535, or given alone, got --lp_dashboard=99999.',
    ],
    [['--lp_metrics_port=65536'], 'Expected --lp_metrics_port to be a port number'],
  ])('refuses the wrong value in %j as it reads it', (args, message) => {
    expect(() => lp.launchFlags(args)).toThrow(message);
  });
});

describe('userArgs', () => {
  it('removes every spelling of the launcher flags and their values, and keeps the rest', () => {
    expect(
      lp.userArgs([
        '--workers=2',
        '--lp_launch_type',
        'slurm',
        'input.txt',
        '--lp_dry_run=1',
        '--seed',
        '7',
        '--lp_time_limit=90s',
        '--lp_dry_run',
        '-v',
      ]),
    ).toEqual(['--workers=2', 'input.txt', '--seed', '7', '-v']);
  });

  it('gives a strict parser only the flags it declares', async () => {
    const { parseArgs } = await import('node:util');
    const args = lp.userArgs(['--lp_launch_type=threads', '--workers', '3', '--lp_dry_run']);
    const { values } = parseArgs({ args, options: { workers: { type: 'string' } } });
    expect(values).toEqual({ workers: '3' });
  });
});
