/**
 * The launch registry against what may be found in its folder: a `launches/` that is a
 * symbolic link or another user's, files that are not records (never pruned), records
 * naming pids that are not launchers, a FIFO named like a record, escape sequences in a
 * record's fields, and records from another host.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  REGISTRY_LIMIT,
  writeLaunchRecord,
  type LaunchRecord,
} from '../../src/launcher/dashboard/index.ts';
import { runCli } from '../helpers/cli.ts';

let stateDir = '';
let env: { LP_STATE_DIR: string };

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'lp-registry-hard-'));
  env = { LP_STATE_DIR: stateDir };
});

afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

function record(
  id: string,
  extra: Partial<Record<keyof LaunchRecord, unknown>> = {},
): LaunchRecord {
  return {
    id,
    programName: `program_${id}`,
    launchType: 'processes',
    script: '/home/user/main.ts',
    pid: process.pid,
    host: hostname(),
    workdir: `/tmp/launchpad/${id}`,
    startedAt: new Date().toISOString(),
    apiUrl: 'http://127.0.0.1:9',
    token: 'secret',
    ...extra,
  } as LaunchRecord;
}

function plant(name: string, value: unknown): void {
  const folder = join(stateDir, 'launches');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  writeFileSync(join(folder, name), typeof value === 'string' ? value : JSON.stringify(value), {
    mode: 0o600,
  });
}

// What a terminal would act on: ESC, BEL, and the one-character CSI.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u001b\u0007\u009b]/;

interface Listed {
  id: string;
  state: string;
}

describe('the registry folder (defect 9)', () => {
  it('is refused when it is a symbolic link: the target is neither chmodded nor pruned', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'lp-registry-target-'));
    try {
      chmodSync(elsewhere, 0o755);
      for (let index = 0; index < 150; index++) {
        writeFileSync(join(elsewhere, `unrelated-${String(index)}.json`), '{"not": "a record"}');
      }
      symlinkSync(elsewhere, join(stateDir, 'launches'));
      expect(() => writeLaunchRecord(record('a'), env)).toThrow(/symbolic link/);
      expect(statSync(elsewhere).mode & 0o777).toBe(0o755);
      expect(readdirSync(elsewhere)).toHaveLength(150);

      const ls = await runCli(['ls'], env);
      expect(ls.code).not.toBe(0);
      expect(ls.stderr).toContain(`${join(stateDir, 'launches')} cannot be trusted`);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 60_000);

  it("is refused when it is another user's", async () => {
    if (process.getuid?.() !== 0) return;
    const folder = join(stateDir, 'launches');
    mkdirSync(folder, { mode: 0o700 });
    chownSync(folder, 65534, 65534);
    expect(() => writeLaunchRecord(record('a'), env)).toThrow(/belongs to user 65534/);
    const ls = await runCli(['ls'], env);
    expect(ls.code).not.toBe(0);
    expect(ls.stderr).toContain('belongs to user 65534');
  }, 60_000);

  it('prunes only launch records, never other files', () => {
    const folder = join(stateDir, 'launches');
    mkdirSync(folder, { mode: 0o700 });
    for (let index = 0; index < 150; index++) {
      writeFileSync(join(folder, `unrelated-${String(index)}.json`), '{"not": "a record"}');
    }
    const base = Date.now() / 1000 - 1_000;
    for (let index = 0; index < REGISTRY_LIMIT + 5; index++) {
      const path = writeLaunchRecord(record(`launch-${String(index).padStart(3, '0')}`), env);
      utimesSync(path, base + index, base + index);
    }
    writeLaunchRecord(record('last'), env);
    const names = readdirSync(folder);
    expect(names.filter((name) => name.startsWith('unrelated-'))).toHaveLength(150);
    const records = names.filter((name) => !name.startsWith('unrelated-'));
    expect(records).toHaveLength(REGISTRY_LIMIT);
    expect(records).toContain('last.json');
    expect(records.filter((name) => name.startsWith('launch-')).sort()[0]).toBe('launch-006.json');
  });
});

describe('records the registry does not trust (defect 13)', () => {
  it('skips records naming pid 1, 0 or -1, so none is running and stop acts on none', async () => {
    for (const pid of [1, 0, -1])
      plant(`pid${String(pid)}.json`, record(`pid${String(pid)}`, { pid }));
    const ls = await runCli(['ls', '--json'], env);
    expect(ls.code, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout)).toEqual([]);
    for (const pid of [1, 0, -1]) {
      expect(ls.stderr).toContain(
        `pid${String(pid)}.json: not a launch record: the record.pid must be`,
      );
    }
    const stop = await runCli(['stop', '--launch', 'pid1'], env);
    expect(stop.code).not.toBe(0);
    expect(stop.stderr).toContain('No launch pid1 is recorded');
  }, 60_000);

  it('lists the registry past a FIFO named like a record, without blocking on it', async () => {
    plant('good.json', record('good'));
    execFileSync('mkfifo', [join(stateDir, 'launches', 'fifo.json')]);
    // Not a regular file: refused unopened. Reading it would block until the test's end.
    const ls = await runCli(['ls', '--json'], env, 30_000);
    expect(ls.code, ls.stderr).toBe(0);
    expect((JSON.parse(ls.stdout) as Listed[]).map(({ id }) => id)).toEqual(['good']);
    expect(ls.stderr).toContain('fifo.json: not a regular file');
  }, 60_000);

  it('prints ids, names and file names with escape sequences as visible escapes', async () => {
    const id = 'evil\u001b]0;pwned\u0007';
    plant(`${id}.json`, record(id, { programName: '\u001b[2J\u009b31m' }));
    plant('x\u001b[31m.json', '{');
    const table = await runCli(['ls'], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout + table.stderr).not.toMatch(CONTROL);
    expect(table.stdout).toContain('evil\\x1b]0;pwned\\x07');
    expect(table.stdout).toContain('\\x1b[2J\\x9b31m');
    expect(table.stderr).toContain('x\\x1b[31m.json');
    const json = await runCli(['ls', '--json'], env);
    expect(json.stdout).not.toMatch(CONTROL);
    expect((JSON.parse(json.stdout) as { program: string }[])[0]?.program).toBe(
      '\u001b[2J\u009b31m',
    );
    const stop = await runCli(['stop', '--launch', 'nope\u001b[2J'], env);
    expect(stop.stderr).not.toMatch(CONTROL);
    expect(stop.stderr).toContain('nope\\x1b[2J');
  }, 60_000);

  it('shows a record from another host as unknown, and stop refuses it naming the host', async () => {
    plant('here.json', record('here'));
    plant('there.json', record('there', { host: 'another-host' }));
    // This process started after this record's launch: its pid was reused.
    plant('reused.json', record('reused', { startedAt: '2020-01-01T00:00:00.000Z' }));
    const ls = await runCli(['ls', '--json'], env);
    expect(ls.code, ls.stderr).toBe(0);
    const states = Object.fromEntries(
      (JSON.parse(ls.stdout) as Listed[]).map(({ id, state }) => [id, state]),
    );
    expect(states).toEqual({ here: 'running', there: 'unknown', reused: 'crashed' });
    const stop = await runCli(['stop', '--launch', 'there'], env);
    expect(stop.code).not.toBe(0);
    expect(stop.stderr).toContain('was started on host another-host');
  }, 60_000);

  it('writes the host into every record and refuses to write one naming pid 1', () => {
    const path = writeLaunchRecord(record('mine'), env);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(() => writeLaunchRecord(record('init', { pid: 1 }), env)).toThrow(/pid must be/);
    expect(() => writeLaunchRecord(record('../escape'), env)).toThrow(/must be a file name/);
  });
});
