/**
 * The default working directory's root (defect 11): a folder of each user's own in the
 * temporary folder, mode 0700, so a second user's launch works beside the first's and
 * neither reads the other's. The second user is `nobody`, through `setpriv`, where the
 * test runs as root.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkdir } from '../../../src/launcher/session/workdir.ts';
import { ROOT } from '../../helpers/scripts.ts';

let temporary = '';
// The root's name: the user's id, so two users' roots never collide.
const rootName = `launchpad-ts-${String(process.getuid?.() ?? '')}`;
let savedTmpdir: string | undefined;

beforeEach(() => {
  temporary = mkdtempSync(join(tmpdir(), 'lp-workdir-root-'));
  // A shared temporary folder, as /tmp is.
  chmodSync(temporary, 0o1777);
  savedTmpdir = process.env['TMPDIR'];
  process.env['TMPDIR'] = temporary;
});

afterEach(() => {
  if (savedTmpdir === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmpdir;
  rmSync(temporary, { recursive: true, force: true });
});

/** Runs createWorkdir as user `nobody`; undefined where this test cannot switch users. */
function createAsNobody(): { status: number | null; out: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const script = `import('./src/launcher/session/workdir.ts').then((m) => console.log(m.createWorkdir('second', undefined)))`;
  const run = spawnSync(
    'setpriv',
    [
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      process.execPath,
      '--conditions=launchpad-ts-source',
      '--import',
      'tsx',
      '-e',
      script,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: temporary, HOME: '/nonexistent' },
      timeout: 30_000,
    },
  );
  if (run.error !== undefined) return undefined;
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('the default working directory', () => {
  it("lives under the user's own 0700 root, and a second user's launch gets one too", () => {
    const workdir = createWorkdir('first program', undefined);
    // Another user launches next, in the same temporary folder.
    const second = createAsNobody();
    if (second !== undefined) {
      expect(second.status, second.out).toBe(0);
      const theirs = second.out.trim();
      expect(dirname(theirs)).toBe(join(temporary, 'launchpad-ts-65534'));
      expect(statSync(dirname(theirs)).uid).toBe(65534);
      expect(statSync(dirname(theirs)).mode & 0o777).toBe(0o700);
    }
    expect(dirname(workdir)).toBe(join(temporary, rootName));
    expect(workdir).toMatch(/\/first_program-[^/]+$/);
    expect(statSync(dirname(workdir)).mode & 0o777).toBe(0o700);
    expect(statSync(workdir).mode & 0o777).toBe(0o700);
  });

  it('never uses a root another user made first, nor a symbolic link, and makes its own 0700 root private again', () => {
    const root = join(temporary, rootName);
    mkdirSync(root, { mode: 0o755 });
    chmodSync(root, 0o755);
    const mine = createWorkdir('p', undefined);
    expect(dirname(mine)).toBe(root);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    rmSync(root, { recursive: true });

    if (process.getuid?.() === 0) {
      mkdirSync(root);
      chownSync(root, 65534, 65534);
      const elsewhere = createWorkdir('p', undefined);
      expect(dirname(elsewhere)).toBe(temporary);
      expect(statSync(elsewhere).uid).toBe(0);
      expect(statSync(elsewhere).mode & 0o777).toBe(0o700);
      rmSync(root, { recursive: true });
    }

    const target = mkdtempSync(join(temporary, 'target-'));
    symlinkSync(target, root);
    const notThere = createWorkdir('p', undefined);
    expect(dirname(notThere)).toBe(temporary);
    expect(lstatSync(root).isSymbolicLink()).toBe(true);
  });
});
