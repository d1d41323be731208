/**
 * Where a launch's socket folder goes and which folders a new launch sweeps: launch
 * folders live in a parent that is this user's alone (checked before use, never a link);
 * the sweep removes a folder only when its name proves it was made on this host and in
 * this PID namespace by a launcher that is gone, and follows no link.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  launchScope,
  launchSocketFolder,
  MAX_SOCKET_PATH_BYTES,
  socketPath,
  sweepDeadLaunchFolders,
  trustedSocket,
} from '../../src/rpc/local-socket.ts';

let base = '';
let saved: Record<string, string | undefined> = {};
const uid = process.getuid?.() ?? 0;

beforeEach(() => {
  base = mkdtempSync('/tmp/lp-folders-');
  saved = { TMPDIR: process.env['TMPDIR'], XDG_RUNTIME_DIR: process.env['XDG_RUNTIME_DIR'] };
  process.env['TMPDIR'] = base;
  delete process.env['XDG_RUNTIME_DIR'];
});

afterEach(() => {
  restore('TMPDIR', saved['TMPDIR']);
  restore('XDG_RUNTIME_DIR', saved['XDG_RUNTIME_DIR']);
  rmSync(base, { recursive: true, force: true });
});

function restore(name: 'TMPDIR' | 'XDG_RUNTIME_DIR', value: string | undefined): void {
  if (value !== undefined) process.env[name] = value;
  else if (name === 'TMPDIR') delete process.env['TMPDIR'];
  else delete process.env['XDG_RUNTIME_DIR'];
}

// A pid that was just in use and is gone.
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

async function folderOf(): Promise<string> {
  const { folder, problem } = await launchSocketFolder();
  if (folder === undefined) throw new Error(problem);
  return folder;
}

describe("a launch's socket folder", () => {
  it('goes in <tmpdir>/launchpad-ts-<uid>, made 0700, named with this host and PID namespace', async () => {
    const folder = await folderOf();
    const parent = join(base, `launchpad-ts-${String(uid)}`);
    expect(folder.startsWith(`${parent}/lp-${launchScope()}-${String(process.pid)}-`)).toBe(true);
    expect(lstatSync(parent).mode & 0o777).toBe(0o700);
    expect(Buffer.byteLength(socketPath(folder, 'any/0'))).toBeLessThanOrEqual(
      MAX_SOCKET_PATH_BYTES,
    );
  });

  it('is not used when a folder above it is writable by others without the sticky bit', async () => {
    // Another user could rename the checked parent away and put theirs in its place.
    const shared = join(base, 's'); // short: a socket path under it must fit sun_path
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    process.env['TMPDIR'] = shared;
    expect((await launchSocketFolder()).problem).toContain(
      `${shared} is writable by others without the sticky bit`,
    );
    chmodSync(shared, 0o1777);
    expect((await folderOf()).startsWith(`${shared}/launchpad-ts-${String(uid)}/lp-`)).toBe(true);
  });

  it('gives a socket that a caller trusts only while no folder above can be swapped', async () => {
    const shared = join(base, 's'); // short: a socket path under it must fit sun_path
    mkdirSync(shared, { mode: 0o1777 });
    chmodSync(shared, 0o1777);
    process.env['TMPDIR'] = shared;
    const folder = await folderOf();
    mkdirSync(folder, { mode: 0o700 });
    const path = socketPath(folder, 'target/0');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ path }, resolve));
    try {
      expect(trustedSocket(path)).toBe(true);
      chmodSync(shared, 0o777);
      expect(trustedSocket(path)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('goes in $XDG_RUNTIME_DIR/launchpad-ts when that folder is the user’s alone', async () => {
    const runtime = join(base, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    process.env['XDG_RUNTIME_DIR'] = runtime;
    expect((await folderOf()).startsWith(`${runtime}/launchpad-ts/lp-`)).toBe(true);
    chmodSync(runtime, 0o755);
    expect((await folderOf()).startsWith(`${base}/launchpad-ts-${String(uid)}/lp-`)).toBe(true);
  });

  it('is refused, naming the parent and what is wrong, when the parent may be entered by others', async () => {
    const parent = join(base, `launchpad-ts-${String(uid)}`);
    mkdirSync(parent, { mode: 0o700 });
    chmodSync(parent, 0o777);
    const { folder, problem } = await launchSocketFolder();
    expect(folder).toBeUndefined();
    expect(problem).toContain(parent);
    expect(problem).toContain('its mode is 777');
  });

  it('is refused when the parent is a symbolic link, even to a folder of the user’s', async () => {
    const elsewhere = join(base, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, join(base, `launchpad-ts-${String(uid)}`));
    const { problem } = await launchSocketFolder();
    expect(problem).toContain('symbolic link');
  });
});

describe('the sweep of dead launchers’ folders', () => {
  it("removes this scope's folder of a dead launcher only, keeping others' and following no link", async () => {
    const folder = await folderOf();
    const parent = join(folder, '..');
    const dead = deadPid();
    const made = (name: string): string => {
      const path = join(parent, name);
      mkdirSync(path, { mode: 0o700 });
      writeFileSync(join(path, '0123456789abcdef.sock'), '');
      return path;
    };
    const left = made(`lp-${launchScope()}-${String(dead)}-0123456789ab`);
    const live = made(`lp-${launchScope()}-${String(process.ppid)}-0123456789ab`);
    // Another host's (or container's, or a Slurm login host's) launcher: its pid means
    // nothing here.
    const foreign = made(`lp-000000000000-${String(dead)}-0123456789ab`);
    const oldStyle = made(`lp-${String(dead)}-0123456789ab`);
    const target = join(base, 'target');
    mkdirSync(target, { mode: 0o700 });
    writeFileSync(join(target, 'keep'), '');
    const link = join(parent, `lp-${launchScope()}-${String(dead)}-0123456789ac`);
    symlinkSync(target, link);

    await sweepDeadLaunchFolders(folder);
    expect(existsSync(left)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(foreign)).toBe(true);
    expect(existsSync(oldStyle)).toBe(true);
    expect(existsSync(join(target, 'keep'))).toBe(true);
  });

  it('sweeps nothing in a parent others may enter', async () => {
    const folder = await folderOf();
    const parent = join(folder, '..');
    const left = join(parent, `lp-${launchScope()}-${String(deadPid())}-0123456789ab`);
    mkdirSync(left, { mode: 0o700 });
    chmodSync(parent, 0o755);
    await sweepDeadLaunchFolders(folder);
    expect(existsSync(left)).toBe(true);
  });

  // The review's case: a launcher in another PID namespace (a container sharing /tmp)
  // sees this live launcher's pid as absent. It must not remove its folder.
  it.runIf(uid === 0 && spawnSync('unshare', ['--pid', '--fork', 'true']).status === 0)(
    "leaves a live launcher's folder when run from another PID namespace",
    async () => {
      const folder = await folderOf();
      mkdirSync(folder, { mode: 0o700 });
      const script =
        `import(${JSON.stringify(new URL('../../src/rpc/local-socket.ts', import.meta.url).pathname)})` +
        `.then((m) => m.sweepDeadLaunchFolders(${JSON.stringify(join(folder, '..', 'lp-x'))}))`;
      const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
      const run = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', tsx, '-e', script], {
        env: { ...process.env, TMPDIR: base },
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      expect(existsSync(folder)).toBe(true);
    },
  );
});
