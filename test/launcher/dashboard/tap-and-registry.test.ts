/**
 * The output tap (node lines read on their way to the launch's streams, which receive
 * every byte unchanged) and the launch registry's files, modes and pruning.
 */
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { styleText } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OutputTap, type TappedLine } from '../../../src/launcher/dashboard/output-tap.ts';
import {
  REGISTRY_LIMIT,
  stateDirectory,
  writeLaunchRecord,
} from '../../../src/launcher/dashboard/index.ts';

describe('the output tap', () => {
  it('passes every byte through and reads the lines of known nodes, coloured or not', () => {
    const stdout = new PassThrough();
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    const tap = new OutputTap(['actor/0', 'learner/0']);
    const tapped = tap.wrap({ stdout, stderr });
    const written = [
      '[actor/0] one\n[learner/0] two\nlaunchpad-ts: not a node\n[nobody/0] no',
      't a node either\n[actor/0] split ',
      'across writes\n',
    ];
    for (const chunk of written) tapped.stdout.write(chunk);
    const coloured = `${styleText('cyan', '[learner/0]')} on stderr\n`;
    tapped.stderr.write(coloured);
    expect((tapped.stderr as unknown as { isTTY: boolean }).isTTY).toBe(true);
    expect(String(stdout.read())).toBe(written.join(''));
    expect(String(stderr.read())).toBe(coloured);

    const lines: TappedLine[] = [];
    tap.read((line) => lines.push(line));
    expect(lines.map(({ nodeId, stream, text }) => [nodeId, stream, text])).toEqual([
      ['actor/0', 'stdout', 'one'],
      ['learner/0', 'stdout', 'two'],
      ['actor/0', 'stdout', 'split across writes'],
      ['learner/0', 'stderr', 'on stderr'],
    ]);
    // Once read, lines go straight to the reader.
    tapped.stdout.write('[actor/0] later\n');
    expect(lines.at(-1)?.text).toBe('later');
  });
});

describe('the launch registry', () => {
  it('lives in LP_STATE_DIR, else XDG_STATE_HOME, else ~/.local/state', () => {
    expect(stateDirectory({ LP_STATE_DIR: '/a', XDG_STATE_HOME: '/b' })).toBe('/a');
    expect(stateDirectory({ XDG_STATE_HOME: '/b' })).toBe('/b/launchpad-ts');
    expect(stateDirectory({})).toMatch(/\/\.local\/state\/launchpad-ts$/);
  });

  it('writes 0600 records in a 0700 directory and keeps the most recent ones', () => {
    const state = mkdtempSync(join(tmpdir(), 'launchpad-registry-'));
    try {
      const environment = { LP_STATE_DIR: state };
      const directory = join(state, 'launches');
      const record = (index: number) => ({
        id: `launch-${String(index).padStart(3, '0')}`,
        programName: 'p',
        launchType: 'processes',
        script: 's',
        pid: process.pid,
        workdir: '/w',
        startedAt: new Date().toISOString(),
        apiUrl: 'http://127.0.0.1:1',
        token: 't',
      });
      // Each written a second apart (as recorded by its mtime), oldest first.
      const base = Date.now() / 1000 - 1_000;
      for (let index = 0; index < REGISTRY_LIMIT + 3; index++) {
        const path = writeLaunchRecord(record(index), environment);
        utimesSync(path, base + index, base + index);
      }
      writeLaunchRecord(record(REGISTRY_LIMIT + 3), environment);
      const names = readdirSync(directory).sort();
      expect(names).toHaveLength(REGISTRY_LIMIT);
      expect(names[0]).toBe('launch-004.json');
      expect(names.at(-1)).toBe(`launch-${String(REGISTRY_LIMIT + 3)}.json`);
      expect(statSync(directory).mode & 0o777).toBe(0o700);
      expect(statSync(join(directory, names[0]!)).mode & 0o777).toBe(0o600);
      // Written atomically: no temporary file is left.
      expect(readdirSync(directory).filter((name) => name.startsWith('.'))).toEqual([]);
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
