/**
 * Nodes launched as processes on one host call each other over Unix domain sockets in a
 * launch folder of their own; the folder and its sockets are gone once the launch ends,
 * also after a node was killed and restarted, and a killed launcher's folder is removed
 * by the next launch; `LP_UNIX_SOCKETS=0` keeps them on TCP, and so does a parent of
 * launch folders that others may enter (with one warning).
 * Which transport a call took is read from the kernel's table of Unix sockets
 * (`/proc/net/unix`): an accepted connection carries the listening socket's path.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { capture, type Captured } from '../helpers/capture.ts';
import { launchScope } from '../../src/rpc/local-socket.ts';
import { makeColocatedSocketProgram, makeSocketProgram } from '../fixtures/unix-sockets.ts';

let base = '';
let savedTmp: string | undefined;
let savedSwitch: string | undefined;

// The launch's socket folder goes under TMPDIR: one of this test's own, so that other
// launches on the machine are not counted.
beforeEach(() => {
  base = mkdtempSync('/tmp/lp-uds-launch-');
  savedTmp = process.env['TMPDIR'];
  savedSwitch = process.env['LP_UNIX_SOCKETS'];
  process.env['TMPDIR'] = base;
});

afterEach(() => {
  restore('TMPDIR', savedTmp);
  restore('LP_UNIX_SOCKETS', savedSwitch);
  rmSync(base, { recursive: true, force: true });
});

function restore(name: 'TMPDIR' | 'LP_UNIX_SOCKETS', value: string | undefined): void {
  if (value !== undefined) process.env[name] = value;
  else if (name === 'TMPDIR') delete process.env['TMPDIR'];
  else delete process.env['LP_UNIX_SOCKETS'];
}

// The parent of this user's launch folders under `base` (the workdir root as well).
function parent(): string {
  return join(base, `launchpad-ts-${String(process.getuid?.() ?? 0)}`);
}

// The launch's socket folders (`lp-<scope>-<pid>-<random>`; the workdirs are others).
function socketFolders(): string[] {
  if (!existsSync(parent()) || lstatSync(parent()).isSymbolicLink()) return [];
  return readdirSync(parent())
    .filter((name) => /^lp-[0-9a-f]{12}-\d+-[0-9a-f]{12}$/.test(name))
    .map((name) => join(parent(), name));
}

// Connections accepted on Unix sockets under `folder`: entries that are connected
// (state 03) and carry a path in it.
function acceptedUnder(folder: string): number {
  return readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .filter((line) => {
      const fields = line.trim().split(/\s+/);
      return fields[5] === '03' && (fields[7] ?? '').startsWith(`${folder}/`);
    }).length;
}

// Launches `program` as processes (output captured), runs `body`, and stops the launch
// whatever happens.
async function withLaunch(
  program: lp.Program,
  body: (running: lp.RunningProgram, stderr: Captured) => Promise<void>,
  options: Partial<lp.LaunchOptions> = {},
): Promise<void> {
  const stderr = capture();
  const running = lp.launch(program, {
    launchType: 'processes',
    stderr,
    stdout: capture(),
    ...options,
  });
  try {
    await running.ready;
    await body(running, stderr);
  } finally {
    await running.stop();
  }
}

describe('same-host nodes under processes', () => {
  it('call each other over Unix sockets, which are gone after a SIGKILL, a restart and the stop', async () => {
    const { program, target, caller } = makeSocketProgram('unix_sockets');
    const restart = { target: { mode: 'on-failure', maxRestarts: 2, backoffMs: 10 } } as const;
    await withLaunch(
      program,
      async (running) => {
        const [folder] = socketFolders();
        if (folder === undefined) throw new Error('no socket folder under TMPDIR');
        expect(await running.client(caller).callTarget(1)).toBe(1);
        // The caller's connection to the target (and the launcher's to the caller).
        expect(acceptedUnder(folder)).toBe(2);
        expect(readdirSync(folder)).toHaveLength(2);

        const pid = await running.client(target).pid();
        process.kill(pid, 'SIGKILL');
        await vi.waitFor(() => {
          expect(running.nodes().get('target/0')).toEqual({ state: 'running', restarts: 1 });
        }, 30_000);
        // The restarted target listens on the path its killed run left a socket at.
        expect(await running.client(caller).callTarget(2)).toBe(2);
        expect(await running.client(target).pid()).not.toBe(pid);
        expect(readdirSync(folder)).toHaveLength(2);
        expect(acceptedUnder(folder)).toBe(3);
      },
      { restart },
    );
    expect(socketFolders()).toEqual([]);
  }, 90_000);

  it("remove the folder a killed launcher of this host left, and leave a live launcher's alone", async () => {
    // A launcher killed outright cannot remove its folder (its nodes die with it).
    const { pid: dead } = spawnSync(process.execPath, ['-e', '0']);
    mkdirSync(parent(), { mode: 0o700 });
    const left = join(parent(), `lp-${launchScope()}-${String(dead)}-0123456789ab`);
    mkdirSync(left, { mode: 0o700 });
    writeFileSync(join(left, '0123456789abcdef.sock'), '');
    const live = join(parent(), `lp-${launchScope()}-${String(process.ppid)}-0123456789ab`);
    mkdirSync(live, { mode: 0o700 });
    const { program, caller } = makeSocketProgram('sweeper');
    await withLaunch(program, async (running) => {
      expect(await running.client(caller).callTarget(4)).toBe(4);
      expect(existsSync(left)).toBe(false);
      expect(existsSync(live)).toBe(true);
    });
  }, 60_000);

  it('call each other over Unix sockets from a colocation host', async () => {
    const { program, callers } = makeColocatedSocketProgram('colocated_sockets');
    await withLaunch(program, async (running) => {
      const [folder] = socketFolders();
      if (folder === undefined) throw new Error('no socket folder under TMPDIR');
      for (const [index, caller] of callers.entries()) {
        expect(await running.client(caller).callTarget(index)).toBe(index);
      }
      // Each colocated caller's connection to the target, and the launcher's to each caller.
      expect(acceptedUnder(folder)).toBe(4);
    });
    expect(socketFolders()).toEqual([]);
  }, 60_000);

  it('keep TCP with LP_UNIX_SOCKETS=0', async () => {
    process.env['LP_UNIX_SOCKETS'] = '0';
    const { program, caller } = makeSocketProgram('tcp_only');
    await withLaunch(program, async (running) => {
      expect(await running.client(caller).callTarget(3)).toBe(3);
      expect(socketFolders()).toEqual([]);
    });
    expect(existsSync(base)).toBe(true);
  }, 60_000);

  it('keep TCP, with one warning naming the folder, when the parent is a link', async () => {
    // A link to a folder of the user's own: what it points to is not what was checked.
    const elsewhere = join(base, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, parent());
    const { program, caller } = makeSocketProgram('open_parent');
    await withLaunch(program, async (running, stderr) => {
      expect(await running.client(caller).callTarget(5)).toBe(5);
      expect(socketFolders()).toEqual([]);
      const warnings = stderr.text().split('Unix sockets are off');
      expect(warnings).toHaveLength(2);
      expect(warnings[1]).toContain(`${parent()} is not used: it is a symbolic link`);
      expect(readdirSync(elsewhere)).toEqual([]);
    });
  }, 60_000);
});
