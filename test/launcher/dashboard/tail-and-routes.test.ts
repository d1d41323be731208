/**
 * The log tail's bounds (defect 5: bytes, not only lines; long lines cut and marked) and
 * the launch API's static routes and escapes (defect 14: no name found on a prototype, a
 * malformed `%` escape answered 400).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { serveLaunchApi } from '../../../src/launcher/dashboard/api-server.ts';
import { historyPaths } from '../../../src/launcher/dashboard/history-files.ts';
import {
  openHistory,
  serveHistory,
  type HistoryView,
} from '../../../src/launcher/dashboard/index.ts';
import {
  DEFAULT_TAIL_BYTES,
  LogTail,
  MAX_LINE_CHARS,
} from '../../../src/launcher/dashboard/log-tail.ts';
import type { NodeActions } from '../../../src/launcher/dashboard/node-actions.ts';
import { OutputTap, type TappedLine } from '../../../src/launcher/dashboard/output-tap.ts';
import { api } from '../../helpers/dashboard.ts';
import { cleansUpAfterEach } from '../../helpers/cleanups.ts';

const cleanups = cleansUpAfterEach();

describe('the log tail (defect 5)', () => {
  it('keeps 300 lines of 1 MiB within its byte bound, each cut and marked', () => {
    const tail = new LogTail(['big/0']);
    const megabyte = 'x'.repeat(1024 * 1024);
    for (let index = 0; index < 300; index++) {
      tail.add('big/0', { t: String(index), stream: 'stdout', text: megabyte });
    }
    const kept = tail.tail('big/0', 1_000);
    const characters = kept.reduce((sum, line) => sum + line.text.length, 0);
    // 300 MiB were printed; the tail holds its bound (UTF-16: 2 bytes a character).
    expect(characters * 2).toBeLessThanOrEqual(DEFAULT_TAIL_BYTES);
    expect(tail.bytesKept('big/0')).toBeLessThanOrEqual(DEFAULT_TAIL_BYTES);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.at(-1)?.t).toBe('299');
    for (const line of kept) {
      expect(line.text.startsWith('x'.repeat(MAX_LINE_CHARS))).toBe(true);
      expect(line.text).toMatch(/ … \[line cut: \d+ more characters\]$/);
      expect(line.text).toContain(`${String(1024 * 1024 - MAX_LINE_CHARS)} more characters`);
    }
    // Short lines are untouched, and the line bound still holds.
    const lines = new LogTail(['small/0'], 5);
    for (let index = 0; index < 20; index++) {
      lines.add('small/0', { t: String(index), stream: 'stdout', text: `line ${String(index)}` });
    }
    expect(lines.tail('small/0', 100).map((line) => line.text)).toEqual(
      [15, 16, 17, 18, 19].map((index) => `line ${String(index)}`),
    );
  });

  it('cuts a long line at the tap, before anything holds it', () => {
    const tap = new OutputTap(['big/0']);
    const tapped = tap.wrap({ stdout: new PassThrough(), stderr: new PassThrough() });
    for (let index = 0; index < 50; index++) {
      tapped.stdout.write(`[big/0] ${'y'.repeat(1024 * 1024)}\n`);
    }
    const lines: TappedLine[] = [];
    tap.read((line) => lines.push(line));
    expect(lines.length).toBeGreaterThan(0);
    const held = lines.reduce((sum, line) => sum + line.text.length, 0);
    // 50 MiB printed before the dashboard read anything; the tap held a bounded part.
    expect(held).toBeLessThanOrEqual(4 * 1024 * 1024);
    for (const line of lines) expect(line.text).toMatch(/\[line cut: \d+ more characters\]$/);
  });
});

describe('static routes and escapes (defect 14)', () => {
  async function servedHistory(): Promise<{ url: string; view: HistoryView }> {
    const workdir = cleanups.tempDir('lp-routes-');
    const paths = historyPaths(workdir);
    mkdirSync(join(workdir, 'history'), { recursive: true });
    writeFileSync(
      paths.launch,
      JSON.stringify({
        id: 'r',
        programName: 'r',
        launchType: 'processes',
        script: '',
        pid: 1,
        workdir,
        startedAt: new Date().toISOString(),
        apiUrl: 'http://127.0.0.1:9',
      }),
    );
    writeFileSync(paths.graph, JSON.stringify({ nodes: [{ id: 'a/0', label: 'a' }], edges: [] }));
    const view = openHistory(workdir);
    const server = await serveHistory(view);
    cleanups.add(() => server.close());
    return { url: server.pageUrl, view };
  }

  it('answers 404 for names found only on a prototype, and serves the real files', async () => {
    const { url } = await servedHistory();
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      for (const folder of ['page', 'lib']) {
        const answer = await api(url, `/${folder}/${name}`);
        expect([`/${folder}/${name}`, answer.status]).toEqual([`/${folder}/${name}`, 404]);
      }
    }
    const page = await fetch(`${new URL(url).origin}/page/dashboard.js`, {
      headers: { authorization: `Bearer ${new URL(url).searchParams.get('token') ?? ''}` },
    });
    expect(page.status).toBe(200);
    expect((await fetch(`${new URL(url).origin}/page/dashboard.js`)).status).toBe(401);
  });

  it('answers 400 for a malformed % escape in a node id, GET and POST, and for a target that is no URL', async () => {
    const { url, view } = await servedHistory();
    for (const path of ['/api/logs/%E0%A4%A', '/api/logs/%', '/api/logs/a%2']) {
      const answer = await api<{ error: string }>(url, path);
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.body.error).toMatch(/malformed % escape/);
    }
    // A request target that is no URL at all, sent raw (fetch would not send it).
    const { port } = new URL(url);
    const token = new URL(url).searchParams.get('token') ?? '';
    const status = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
        );
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => {
        resolve(text.split('\r\n')[0] ?? '');
      });
    });
    expect(status).toBe('HTTP/1.1 400 Bad Request');
    // POST routes of a running launch (a read-only one answers 409 before any decoding).
    const refuse = (): Promise<never> => Promise.reject(new Error('not called'));
    const actions: NodeActions = {
      stackDump: refuse,
      cpuProfile: refuse,
      restartNode: refuse,
      stop: refuse,
    };
    const live = await serveLaunchApi({ view, token: 'live-token', actions, port: 0 });
    cleanups.add(() => live.close());
    for (const path of ['/api/nodes/%ZZ/stack', '/api/nodes/a%2/restart']) {
      const answer = await api<{ error: string }>(live.pageUrl, path, { method: 'POST' });
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.body.error).toMatch(/malformed % escape/);
    }
  });
});
