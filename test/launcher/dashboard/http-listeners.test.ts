/**
 * The launcher's HTTP listeners before a request has proved itself, attacked over
 * 127.0.0.1: the launch API and `/metrics` answer only a Host of `127.0.0.1:<port>` or
 * `localhost:<port>` (DNS rebinding), hold at most 64 connections that have not proved
 * themselves and close those after 10 s, and an event stream whose client stops reading
 * is dropped once it holds 8 MiB beyond its opening burst. The servers are the real ones,
 * serving a small view made here.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  serveLaunchApi,
  type LaunchApiServer,
} from '../../../src/launcher/dashboard/api-server.ts';
import type { LaunchView, ViewUpdate } from '../../../src/launcher/dashboard/launch-view.ts';
import { MAX_UNSENT_EVENT_BYTES } from '../../../src/launcher/dashboard/http-replies.ts';
import { serveMetrics, type MetricsServer } from '../../../src/launcher/metrics/metrics-server.ts';
import { LOCAL_HTTP_LIMITS } from '../../../src/internal/local-http-guard.ts';
import { destroyRawSockets, endedByServer, rawSocket } from '../../helpers/raw-socket.ts';

const TOKEN = 'a'.repeat(32);
const servers: (LaunchApiServer | MetricsServer)[] = [];

afterEach(async () => {
  destroyRawSockets();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A one-node launch view whose log updates the test sends; it counts its subscribers. */
function smallView(): LaunchView & {
  emit(update: ViewUpdate): void;
  readonly subscribers: number;
} {
  const listeners = new Set<(update: ViewUpdate) => void>();
  return {
    launch: () => ({
      id: 'x',
      programName: 'p',
      launchType: 'threads',
      workdir: '/nowhere',
      script: 's',
      pid: process.pid,
      startedAt: new Date(0).toISOString(),
      outcome: 'running',
      readOnly: false,
    }),
    nodes: () => [],
    graph: () => ({ nodes: [], edges: [] }),
    nodeIds: () => ['node/0'],
    logs: () => [],
    samples: () => [],
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(update) {
      for (const listener of listeners) listener(update);
    },
    get subscribers() {
      return listeners.size;
    },
  };
}

async function launchApi(view: LaunchView): Promise<{ url: string; port: number }> {
  const server = await serveLaunchApi({ view, token: TOKEN, actions: undefined, port: 0 });
  servers.push(server);
  return { url: server.url, port: Number(new URL(server.url).port) };
}

/** A raw connection that sends `text` (if any) and keeps its side open. */
async function raw(port: number, text?: string): Promise<Socket> {
  const socket = await rawSocket(`127.0.0.1:${port}`);
  if (text !== undefined) socket.write(text);
  return socket;
}

/** The status line and body of one request sent with `host` as its Host header. */
async function get(port: number, path: string, host: string): Promise<string> {
  const socket = await raw(
    port,
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
  );
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await endedByServer(socket);
  return Buffer.concat(chunks).toString();
}

describe('the Host header (DNS rebinding)', () => {
  it('the launch API answers 127.0.0.1:<port> and localhost:<port> only, even with the token', async () => {
    const { port } = await launchApi(smallView());
    const path = `/api/launch?token=${TOKEN}`;
    expect(await get(port, path, `127.0.0.1:${port}`)).toMatch(/^HTTP\/1.1 200/);
    expect(await get(port, path, `localhost:${port}`)).toMatch(/^HTTP\/1.1 200/);
    const rebound = await get(port, path, `attacker.example:${port}`);
    expect(rebound).toMatch(/^HTTP\/1.1 421/);
    expect(rebound).not.toContain('programName');
    expect(await get(port, path, '127.0.0.1')).toMatch(/^HTTP\/1.1 421/);
  });

  it('/metrics answers 127.0.0.1:<port> and localhost:<port> only', async () => {
    const metrics = await serveMetrics(0, () => ({
      nodes: [
        {
          nodeId: 'secret-name/0',
          state: 'running',
          restarts: 0,
          server: [],
          client: [],
          user: [],
        },
      ],
    }));
    servers.push(metrics);
    const port = Number(new URL(metrics.url).port);
    expect(await get(port, '/metrics', `127.0.0.1:${port}`)).toContain('secret-name/0');
    expect(await get(port, '/metrics', `localhost:${port}`)).toContain('secret-name/0');
    const rebound = await get(port, '/metrics', `attacker.example:${port}`);
    expect(rebound).toMatch(/^HTTP\/1.1 421/);
    expect(rebound).not.toContain('secret-name');
  });
});

describe('connections that have not proved themselves', () => {
  it(`are at most ${LOCAL_HTTP_LIMITS.maxUnproven}, and closed after ${LOCAL_HTTP_LIMITS.unprovenMs / 1000} s idle or half-sent`, async () => {
    const { port } = await launchApi(smallView());
    const cap = LOCAL_HTTP_LIMITS.maxUnproven;
    const held: Socket[] = [];
    // Idle ones, half-sent headers (slowloris), and requests refused for their token.
    for (let index = 0; index < cap; index++) {
      const kind = index % 3;
      held.push(
        await raw(
          port,
          kind === 0
            ? undefined
            : kind === 1
              ? `GET /api/launch HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `
              : `GET /api/launch?token=wrong HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
        ),
      );
    }
    // Past the cap: closed at once, long before the others' time is up.
    const extra = await Promise.all(Array.from({ length: 20 }, () => raw(port)));
    await Promise.all(extra.map(endedByServer));
    // A client with the token is not counted once its request is answered; it waits
    // for a slot like any new connection, so it is served once the first ones close.
    let heldEnded = 0;
    for (const socket of held) {
      void endedByServer(socket).then(() => heldEnded++);
    }
    expect(heldEnded).toBe(0);
    await vi.waitFor(
      () => {
        expect(heldEnded).toBe(cap);
      },
      { timeout: 4 * LOCAL_HTTP_LIMITS.unprovenMs, interval: 200 },
    );
    expect(await get(port, `/api/launch?token=${TOKEN}`, `127.0.0.1:${port}`)).toMatch(
      /^HTTP\/1.1 200/,
    );
  });
});

describe('an event stream whose client stops reading', () => {
  it('is dropped once it holds more than its bound, and the view forgets it', async () => {
    const view = smallView();
    const { port } = await launchApi(view);
    const reader = await raw(
      port,
      `GET /api/logs/node%2F0?follow=1&token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
    );
    await new Promise((resolve) => reader.once('data', resolve));
    // The client reads nothing more: its kernel buffers fill, then the server's.
    reader.pause();
    await vi.waitFor(() => {
      expect(view.subscribers).toBe(1);
    });
    const line = 'x'.repeat(64 * 1024);
    const total = 50 * 1024 * 1024;
    let sent = 0;
    // Bounded: 50 MiB of lines, a tick between batches so the socket can fill.
    while (sent < total && view.subscribers > 0) {
      for (let index = 0; index < 16; index++) {
        view.emit({
          event: 'log',
          data: { t: new Date().toISOString(), stream: 'stdout', text: line, nodeId: 'node/0' },
        });
        sent += line.length;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await vi.waitFor(() => {
      expect(view.subscribers).toBe(0);
    });
    // Dropped well before the 50 MiB: what it held was its bound plus the kernel's buffers.
    expect(sent).toBeLessThan(total);
    expect(sent).toBeGreaterThan(MAX_UNSENT_EVENT_BYTES);
  });
});
