/**
 * A node process survives running out of file descriptors: with its RLIMIT_NOFILE lowered
 * (prlimit on its pid) to a few more than it holds, a stranger's connections to its RPC
 * port and its diagnostics socket, held open without a word, fill its descriptor table.
 * Its metrics reports go on (process.memoryUsage() throws EMFILE then), it answers calls
 * on the connection it already has, and once the strangers are gone or timed out it
 * accepts again: a stack dump opens a new connection. Attacks only 127.0.0.1, 200
 * connections at most.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Counter } from '../fixtures/hardening.ts';
import {
  DIAGNOSTICS_REQUEST_TIMEOUT_MS,
  MAX_DIAGNOSTICS_CONNECTIONS,
} from '../../src/protocol/diagnostics.ts';

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** The TCP ports `pid` listens on, from `ss`. */
function listeningPorts(pid: number): number[] {
  const lines = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' }).split('\n');
  return lines
    .filter((line) => line.includes(`pid=${String(pid)},`))
    .map((line) => Number(/:(\d+)\s/.exec(line)?.[1]))
    .filter((port) => Number.isInteger(port) && port > 0);
}

function openDescriptors(pid: number): number {
  return readdirSync(`/proc/${String(pid)}/fd`).length;
}

/** A connection that says nothing and keeps its side open; resolves once connected. */
function silent(port: number): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  sockets.push(socket);
  socket.on('error', () => undefined);
  return new Promise((resolve) => {
    socket.once('connect', () => {
      resolve();
    });
    socket.once('error', () => {
      resolve();
    });
  });
}

function uptimeOf(running: lp.RunningProgram, nodeId: string): number {
  const view = running.metrics().nodes.find((node) => node.nodeId === nodeId);
  return view?.process?.uptimeSeconds ?? 0;
}

const HEADROOM = 12;
const CONNECTIONS = 200;

describe('descriptor exhaustion', () => {
  it(`a node whose ${String(HEADROOM)} spare descriptors are taken by strangers keeps running and serving`, async () => {
    const program = new lp.Program('exhausted');
    const counter = program.addNode(new lp.ServiceNode(Counter), 'counter');
    await using running = lp.launch(program, { launchType: 'processes' });
    const client = running.client(counter);
    const { pid } = await client.where();
    // Its diagnostics socket is up once a stack dump answers.
    await running.stackDump('counter/0');
    const ports = listeningPorts(pid);
    expect(ports.length).toBe(2); // RPC and diagnostics

    // A first report, so the ones made while its descriptors are gone can be told apart.
    await vi.waitFor(
      () => {
        expect(uptimeOf(running, 'counter/0')).toBeGreaterThan(0);
      },
      { timeout: 30_000, interval: 250 },
    );
    const limit = openDescriptors(pid) + HEADROOM;
    execFileSync('prlimit', [`--pid=${String(pid)}`, `--nofile=${String(limit)}:${String(limit)}`]);
    let peak = 0;
    for (let index = 0; index < CONNECTIONS; index++) {
      await silent(ports[index % ports.length] ?? 0);
      if (index % 20 === 0) peak = Math.max(peak, openDescriptors(pid));
    }
    peak = Math.max(peak, openDescriptors(pid));
    // The node did run out: its table is (all but) full.
    expect(peak).toBeGreaterThanOrEqual(limit - 2);

    // Two more metrics reports arrive while the strangers hold on (the diagnostics
    // socket lets its strangers go after 5 s, the RPC port after 10 s).
    const before = uptimeOf(running, 'counter/0');
    await vi.waitFor(
      () => {
        expect(uptimeOf(running, 'counter/0')).toBeGreaterThan(before + 1.5);
      },
      { timeout: 30_000, interval: 250 },
    );
    expect((await client.where()).pid).toBe(pid);
    // A figure for docs/reliability.md, not an assertion.
    console.log(
      `descriptors: limit ${String(limit)}, peak ${String(peak)} with ${String(CONNECTIONS)} strangers; ` +
        `uptime in the node's reports ${before.toFixed(1)} s -> ${uptimeOf(running, 'counter/0').toFixed(1)} s`,
    );

    for (const socket of sockets.splice(0)) socket.destroy();
    // Accepting again: a stack dump opens a new connection to the diagnostics socket.
    await vi.waitFor(
      async () => {
        expect(await running.stackDump('counter/0')).toMatch(/^node counter\/0: /);
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(running.metrics().nodes.find((node) => node.nodeId === 'counter/0')?.state).toBe(
      'running',
    );
    expect((await client.where()).pid).toBe(pid);
  }, 120_000);

  it(`the diagnostics socket holds at most ${String(MAX_DIAGNOSTICS_CONNECTIONS)} silent connections, and closes them after ${String(DIAGNOSTICS_REQUEST_TIMEOUT_MS / 1000)} s`, async () => {
    const program = new lp.Program('diagnosed_silently');
    const counter = program.addNode(new lp.ServiceNode(Counter), 'counter');
    await using running = lp.launch(program, { launchType: 'processes' });
    const { pid } = await running.client(counter).where();
    await running.stackDump('counter/0');
    const ports = listeningPorts(pid);
    expect(ports.length).toBe(2); // RPC and diagnostics
    const baseline = openDescriptors(pid);
    const silentOnes = 40;
    let ended = 0;
    for (const port of ports) {
      for (let index = 0; index < silentOnes; index++) {
        const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
        sockets.push(socket);
        socket.on('error', () => undefined);
        socket.resume();
        socket.once('end', () => {
          ended++;
        });
      }
    }
    // Every silent connection, on either port, is closed by the node: the RPC port's after
    // its HELLO timeout, the diagnostics port's past the cap at once and the rest after
    // its request timeout.
    await vi.waitFor(
      () => {
        expect(ended).toBe(silentOnes * ports.length);
      },
      { timeout: 30_000, interval: 250 },
    );
    await vi.waitFor(() => {
      expect(openDescriptors(pid)).toBeLessThanOrEqual(baseline);
    });
    expect(await running.stackDump('counter/0')).toMatch(/^node counter\/0: /);
  }, 120_000);
});
