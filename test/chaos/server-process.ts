/**
 * An RPC server in a child process, attacked from the test: what the chaos tests share.
 * The server's memory and descriptors are read from /proc, so they are its own and not
 * the test runner's; every server and socket a test opens is closed by `cleanUp()`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { Peer } from '../../src/rpc/peer.ts';
import { destroyRawSockets } from '../helpers/raw-socket.ts';
import { startScript, type ScriptRun } from '../helpers/scripts.ts';

export { rawSocket } from '../helpers/raw-socket.ts';

/** The secret the chaos server expects. */
export const SECRET = 'chaos-secret';

const peers: Peer[] = [];

/** A server started by {@link startServer}. */
export interface ServerProcess {
  readonly run: ScriptRun;
  readonly pid: number;
  readonly address: string;
}

/** Starts the echo server in its own process and waits for its address. */
export async function startServer(): Promise<ServerProcess> {
  const run = startScript('test/chaos/fixtures/echo-server.ts', [SECRET]);
  await run.waitForOutput(/address=\S+\n/);
  const address = /address=(\S+)\n/.exec(run.stdout())![1]!;
  return { run, pid: run.child.pid!, address };
}

/** A legitimate caller of the server: the right secret, through the real client. */
export function legitimateCaller(address: string): Peer {
  const peer = new Peer('echo/0', {
    secret: SECRET,
    callerId: 'legitimate',
    resolver: { resolve: () => Promise.resolve(address) },
    maxMessageBytes: 1024 * 1024,
  });
  peers.push(peer);
  return peer;
}

/** Resolves when `socket` has closed (at once if it has). */
export function whenClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) {
      resolve();
      return;
    }
    socket.once('close', () => {
      resolve();
    });
  });
}

/** Closes every peer and raw socket the chaos helpers opened. */
export function cleanUp(): void {
  for (const peer of peers.splice(0)) peer.close();
  destroyRawSockets();
}

/** The resident set size of process `pid`, in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kib === undefined) throw new Error(`No VmRSS for process ${pid}.`);
  return Number(kib) * 1024;
}

/** How many file descriptors process `pid` holds open. */
export function openDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** A frame: the 4-byte big-endian length, then `body`. */
export function frame(body: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}
