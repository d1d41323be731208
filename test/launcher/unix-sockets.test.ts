/**
 * Nodes launched as processes on one host call each other over Unix domain sockets in a
 * launch folder of their own; the folder and its sockets are gone once the launch ends,
 * also after a node was killed and restarted, and a killed launcher's folder is removed
 * by the next launch; `LP_UNIX_SOCKETS=0` keeps them on TCP.
 * Which transport a call took is read from the kernel's table of Unix sockets
 * (`/proc/net/unix`): an accepted connection carries the listening socket's path.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import * as lp from 'launchpad-ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/capture.ts';
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

// The launch's socket folders under `base` (`lp-<pid>-<random>`; the workdir root is
// another).
function socketFolders(): string[] {
  return readdirSync(base)
    .filter((name) => /^lp-\d+-[0-9a-f]{12}$/.test(name))
    .map((name) => join(base, name));
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

describe('same-host nodes under processes', () => {
  it('call each other over Unix sockets, which are gone after a SIGKILL, a restart and the stop', async () => {
    const { program, target, caller } = makeSocketProgram('unix_sockets');
    const running = lp.launch(program, {
      launchType: 'processes',
      stderr: capture(),
      stdout: capture(),
      restart: { target: { mode: 'on-failure', maxRestarts: 2, backoffMs: 10 } },
    });
    try {
      await running.ready;
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
    } finally {
      await running.stop();
    }
    expect(socketFolders()).toEqual([]);
  }, 90_000);

  it("remove the folder a killed launcher left, and leave a live launcher's alone", async () => {
    // A launcher killed outright cannot remove its folder (its nodes die with it).
    const { pid: dead } = spawnSync(process.execPath, ['-e', '0']);
    const left = join(base, `lp-${String(dead)}-0123456789ab`);
    mkdirSync(left, { mode: 0o700 });
    writeFileSync(join(left, '0123456789abcdef.sock'), '');
    const live = join(base, `lp-${String(process.ppid)}-0123456789ab`);
    mkdirSync(live, { mode: 0o700 });
    const { program, caller } = makeSocketProgram('sweeper');
    const running = lp.launch(program, {
      launchType: 'processes',
      stderr: capture(),
      stdout: capture(),
    });
    try {
      await running.ready;
      expect(await running.client(caller).callTarget(4)).toBe(4);
      expect(existsSync(left)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      await running.stop();
    }
  }, 60_000);

  it('call each other over Unix sockets from a colocation host', async () => {
    const { program, callers } = makeColocatedSocketProgram('colocated_sockets');
    const running = lp.launch(program, {
      launchType: 'processes',
      stderr: capture(),
      stdout: capture(),
    });
    try {
      await running.ready;
      const [folder] = socketFolders();
      if (folder === undefined) throw new Error('no socket folder under TMPDIR');
      for (const [index, caller] of callers.entries()) {
        expect(await running.client(caller).callTarget(index)).toBe(index);
      }
      // Each colocated caller's connection to the target, and the launcher's to each caller.
      expect(acceptedUnder(folder)).toBe(4);
    } finally {
      await running.stop();
    }
    expect(socketFolders()).toEqual([]);
  }, 60_000);

  it('keep TCP with LP_UNIX_SOCKETS=0', async () => {
    process.env['LP_UNIX_SOCKETS'] = '0';
    const { program, caller } = makeSocketProgram('tcp_only');
    const running = lp.launch(program, {
      launchType: 'processes',
      stderr: capture(),
      stdout: capture(),
    });
    try {
      await running.ready;
      expect(await running.client(caller).callTarget(3)).toBe(3);
      expect(socketFolders()).toEqual([]);
    } finally {
      await running.stop();
    }
    expect(existsSync(base)).toBe(true);
  }, 60_000);
});
