/**
 * Output modes (terminal, files, tmux) and local resources (environment, Node flags,
 * working directory) of local launches.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { capture } from '../helpers/capture.ts';
import { describe, expect, it } from 'vitest';
import { makeProgram as makeHelloWorld } from '../../examples/hello_world/program.ts';
import { failingMain } from '../fixtures/services.ts';
import { failOnce, ResourceProbe } from '../fixtures/supervision.ts';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** True while the launch's own tmux server (socket `name`) still runs. */
function tmuxServerRuns(name: string): boolean {
  return spawnSync('tmux', ['-L', name, 'list-sessions']).status === 0;
}

describe('output modes', () => {
  it('current-terminal prefixes node output with the node id', async () => {
    const stdout = capture();
    await lp.launch(makeHelloWorld(), { launchType: 'processes', stdout }).wait();
    expect(stdout.text()).toBe(
      '[hello_printer/0] Hello World! (from hello_printer/0, launched as processes)\n',
    );
  });

  it('output-to-files writes one log per node in the workdir and prints where', async () => {
    const stderr = capture();
    const running = lp.launch(makeHelloWorld(), {
      launchType: 'processes',
      output: 'output-to-files',
      stderr,
    });
    await running.wait();
    const logs = join(running.workdir, 'logs');
    expect(stderr.text()).toContain(`node output goes to ${logs}`);
    expect(readFileSync(join(logs, 'hello_printer.0.log'), 'utf8')).toContain(
      'Hello World! (from hello_printer/0',
    );
  });

  it("Launchpad's output_to_files, an alias, still detects a failed node and names it", async () => {
    const program = new lp.Program('failing_to_files');
    program.addNode(new lp.FunctionNode(failingMain, 'failed into a file'), 'crasher');
    const running = lp.launch(program, {
      launchType: 'processes',
      output: 'output_to_files',
      stderr: new PassThrough(),
    });
    const error: unknown = await running.wait().catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'NODE_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(
      /^Node crasher\/0 failed: RangeError: failed into a file/,
    );
    expect(running.nodes().get('crasher/0')).toEqual({ state: 'failed', restarts: 0 });
  });

  it('output-to-files under threads writes one log per node thread', async () => {
    const running = lp.launch(makeHelloWorld(), {
      launchType: 'threads',
      output: 'output-to-files',
      stderr: new PassThrough(),
    });
    await running.wait();
    expect(readFileSync(join(running.workdir, 'logs', 'hello_printer.0.log'), 'utf8')).toContain(
      'Hello World! (from hello_printer/0, launched as threads)',
    );
  });

  it('refuses an unknown output mode, and tmux output under threads', () => {
    expect(() => lp.launch(makeHelloWorld(), { output: 'xterm' as lp.OutputMode })).toThrow(
      'Launch option output must be one of "current-terminal", "output-to-files", "tmux" (or Launchpad\'s "current_terminal", "output_to_files"), got "xterm".',
    );
    expect(() => lp.launch(makeHelloWorld(), { launchType: 'threads', output: 'tmux' })).toThrow(
      /Output mode "tmux" gives each node process a window, but under threads/,
    );
  });

  describe.skipIf(!hasTmux && process.env['CI'] === undefined)('tmux', () => {
    it('runs each node in a window and ends the session with the program', async () => {
      const program = new lp.Program('tmux_probe');
      const probe = program.addNode(new lp.ServiceNode(ResourceProbe), 'probe');
      const stderr = capture();
      const running = lp.launch(program, { launchType: 'processes', output: 'tmux', stderr });
      let name: string | undefined;
      try {
        await running.ready;
        name = /tmux -L (\S+) attach/.exec(stderr.text())?.[1];
        expect(name).toMatch(/^tmux_probe-/);
        // The node runs, inside that tmux server (tmux sets TMUX=<socket>,<pid>,<session>).
        expect(await running.client(probe).env('TMUX')).toMatch(new RegExp(`/${name!},\\d+,`));
        expect(tmuxServerRuns(name!)).toBe(true);
      } finally {
        await running.stop();
      }
      expect(tmuxServerRuns(name!)).toBe(false);
    });

    it('hands each node its bootstrap in a file only the user can read, removed once read', async () => {
      const workdir = mkdtempSync(join(tmpdir(), 'lp-tmux-bootstrap-'));
      const program = new lp.Program('tmux_bootstrap');
      const probe = program.addNode(new lp.ServiceNode(ResourceProbe), 'probe');
      // The file lives from the launcher's write to the node's first read: catch it there.
      const modes: number[] = [];
      const watcher = watch(workdir, { recursive: true }, (_event, name) => {
        if (name?.endsWith('.bootstrap') !== true) return;
        try {
          modes.push(statSync(join(workdir, name)).mode & 0o777);
        } catch {
          // Removed already: seen on its way out.
        }
      });
      const running = lp.launch(program, {
        launchType: 'processes',
        output: 'tmux',
        workdir,
        stderr: new PassThrough(),
      });
      try {
        await running.ready;
        expect(await running.client(probe).env('LP_BOOTSTRAP_FILE')).toBeUndefined();
        expect(modes.length).toBeGreaterThan(0);
        expect(new Set(modes)).toEqual(new Set([0o600]));
        expect(statSync(join(workdir, 'tmux')).mode & 0o777).toBe(0o700);
        expect(readdirSync(join(workdir, 'tmux')).filter((f) => f.endsWith('.bootstrap'))).toEqual(
          [],
        );
      } finally {
        watcher.close();
        await running.stop();
      }
    });

    it('runs several nodes, restarts a failed one, and reads each run’s own exit code', async () => {
      const program = new lp.Program('tmux_restart');
      program.addNode(new lp.ServiceNode(ResourceProbe), 'probe');
      program.addNode(new lp.FunctionNode(failOnce), 'flaky');
      const running = lp.launch(program, {
        launchType: 'processes',
        output: 'tmux',
        stderr: new PassThrough(),
        restart: { flaky: { mode: 'on-failure', maxRestarts: 2, backoffMs: 10 } },
      });
      await running.wait();
      // The first run left its mark and failed; the second ran and stopped the program.
      expect(existsSync(join(running.workdir, 'failed-once'))).toBe(true);
      expect(running.nodes().get('flaky/0')).toEqual({ state: 'stopped', restarts: 1 });
      expect(running.nodes().get('probe/0')).toEqual({ state: 'stopped', restarts: 0 });
    });

    it('detects a crashed node and stops the program, naming it', async () => {
      const program = new lp.Program('tmux_crash');
      program.addNode(new lp.FunctionNode(failingMain, 'crashed in tmux'), 'crasher');
      const stderr = capture();
      const running = lp.launch(program, {
        launchType: 'processes',
        output: 'tmux',
        stderr,
      });
      const error: unknown = await running.wait().catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /^Node crasher\/0 failed: RangeError: crashed in tmux/,
      );
      const name = /tmux -L (\S+) attach/.exec(stderr.text())?.[1];
      expect(name).toMatch(/^tmux_crash-/);
      expect(tmuxServerRuns(name!)).toBe(false);
    });
  });
});

describe('local resources', () => {
  it('gives a node process its environment, Node flags and working directory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lp-cwd-'));
    const program = new lp.Program('resources');
    const probe = program.addNode(new lp.ServiceNode(ResourceProbe), 'probe');
    await using running = lp.launch(program, {
      launchType: 'processes',
      resources: {
        probe: { env: { PROBE: 'from-label' }, nodeFlags: ['--max-old-space-size=200'] },
        'probe/0': { cwd: directory },
      },
    });
    const client = running.client(probe);
    expect(await client.env('PROBE')).toBe('from-label');
    expect(await client.cwd()).toBe(directory);
    expect(await client.env('NODE_OPTIONS')).toBe(process.env['NODE_OPTIONS']);
  });

  it('gives a node thread its environment, and refuses what a thread cannot have', async () => {
    const program = new lp.Program('thread_resources');
    const probe = program.addNode(new lp.ServiceNode(ResourceProbe), 'probe');
    expect(() =>
      lp.launch(program, { launchType: 'threads', resources: { probe: { cwd: '/' } } }),
    ).toThrow(/Node probe\/0: a working directory \(cwd\) is per process/);
    expect(() =>
      lp.launch(program, {
        launchType: 'threads',
        resources: { probe: { nodeFlags: ['--inspect'] } },
      }),
    ).toThrow(/Node probe\/0: Node flag --inspect cannot apply to one worker thread/);
    await using running = lp.launch(program, {
      launchType: 'threads',
      resources: { probe: { env: { PROBE: 'thread' }, nodeFlags: ['--max-old-space-size=300'] } },
    });
    expect(await running.client(probe).env('PROBE')).toBe('thread');
    // The flag becomes the worker's heap limit (300 MiB old space, plus the young space);
    // without it the limit is V8's default, gigabytes here.
    const limit = await running.client(probe).heapLimitMb();
    expect(limit).toBeGreaterThanOrEqual(300);
    expect(limit).toBeLessThan(400);
  });

  it('refuses a working directory that does not exist, naming the node', () => {
    expect(() =>
      lp.launch(makeHelloWorld(), {
        launchType: 'processes',
        resources: { hello_printer: { cwd: '/no/such/dir' } },
      }),
    ).toThrow(
      'Launch option resources["hello_printer"].cwd is /no/such/dir, which is not an existing directory (node hello_printer/0)',
    );
  });

  it('refuses resources for a group that does not exist', () => {
    expect(() =>
      lp.launch(makeHelloWorld(), { launchType: 'processes', resources: { nobody: {} } }),
    ).toThrow(/^Launch option resources\["nobody"\] names no group or node of the program/);
  });
});

it.skipIf(!hasTmux)('leaves no tmux server behind', () => {
  const servers = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => /tmux_(crash|probe|restart)-/.test(line));
  expect(servers).toEqual([]);
});
