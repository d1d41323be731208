/**
 * Before a connection has presented the launch's secret, the server reads nothing larger
 * than a HELLO, and a refused connection is released by the server even when the client
 * keeps its side open. Only a valid HELLO stops the HELLO timer.
 */
import type { Socket } from 'node:net';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_UNAUTHENTICATED_CONNECTIONS } from '../../src/rpc/protocol.ts';
import {
  destroyRawSockets,
  endedByServer,
  frame,
  rawSocket,
  WRONG_HELLO,
} from '../helpers/raw-socket.ts';
import { closeAll, serve } from './harness.ts';

afterEach(async () => {
  destroyRawSockets();
  await closeAll();
});

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else
      socket.once('close', () => {
        resolve();
      });
  });
}

const echo = { echo: (value: number) => value };

describe('unauthenticated connections', () => {
  it('a first frame announcing more than a HELLO is not read: the connection is dropped', async () => {
    const { server, client } = await serve(echo);
    const socket = await rawSocket(server.address);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(512 * 1024 * 1024);
    socket.write(Buffer.concat([head, Buffer.alloc(64 * 1024, 7)]));
    // Dropped at once, not after the HELLO timeout with the bytes held meanwhile.
    await vi.waitFor(() => {
      expect(server.connectionCount).toBe(0);
    }, 5_000);
    await closed(socket);
    expect(await client().echo(1)).toBe(1);
  });

  it('a refused connection is released even if the client keeps its side open', async () => {
    const { server, client } = await serve(echo);
    const socket = await rawSocket(server.address);
    const answered = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write(WRONG_HELLO);
    const answer = await answered;
    expect(answer.includes(Buffer.from('refused'))).toBe(true);
    await vi.waitFor(() => {
      expect(server.connectionCount).toBe(0);
    }, 5_000);
    expect(await client().echo(2)).toBe(2);
  });

  it('a frame that is not a valid HELLO does not stop the HELLO timer', async () => {
    const { server } = await serve(echo);
    const socket = await rawSocket(server.address);
    // A CALL sent first: it must be refused and the connection released.
    socket.write(frame(Buffer.from([0x94, 0x03, 0x01, 0xa4, ...Buffer.from('echo'), 0x91, 0x01])));
    await vi.waitFor(() => {
      expect(server.connectionCount).toBe(0);
    }, 5_000);
  });

  it('a HELLO is read by its fixed shape alone: one with out-of-band segments is refused, even with the secret', async () => {
    const { server, client } = await serve(echo);
    const { encodeFrame } = await import('../../src/rpc/codec.ts');
    // The test's own secret, with a large typed array that the general decoder would
    // take out of band: before the secret is checked, the server decodes none of it.
    const encoded = encodeFrame([0, 'test-secret', 'caller', new Float64Array(128)], 1 << 20);
    const bytes = Array.isArray(encoded) ? Buffer.concat(encoded) : encoded;
    expect(bytes[4]).toBe(0xc1);
    const socket = await rawSocket(server.address);
    const answered = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write(bytes);
    expect((await answered).includes(Buffer.from('refused'))).toBe(true);
    await vi.waitFor(() => {
      expect(server.connectionCount).toBe(0);
    }, 5_000);
    // The plain HELLO of the test's client still gets in.
    expect(await client().echo(3)).toBe(3);
  });

  it(`holds at most ${MAX_UNAUTHENTICATED_CONNECTIONS} connections that have not presented the secret`, async () => {
    const { server, client } = await serve(echo);
    const opened = MAX_UNAUTHENTICATED_CONNECTIONS + 40;
    const sockets: Socket[] = [];
    for (let index = 0; index < opened; index++) sockets.push(await rawSocket(server.address));
    // Those past the cap are closed by the server at once, without waiting for a HELLO.
    await Promise.all(sockets.slice(MAX_UNAUTHENTICATED_CONNECTIONS).map(endedByServer));
    expect(server.connectionCount).toBe(MAX_UNAUTHENTICATED_CONNECTIONS);
    // Once strangers' slots free, a caller with the secret is served.
    for (const socket of sockets.slice(0, 10)) socket.destroy();
    await vi.waitFor(() => {
      expect(server.connectionCount).toBeLessThanOrEqual(MAX_UNAUTHENTICATED_CONNECTIONS - 10);
    }, 5_000);
    expect(await client().echo(4)).toBe(4);
  });

  it('a refused caller gets UNAUTHENTICATED and the server keeps no connection', async () => {
    const { server } = await serve(echo);
    const { Peer } = await import('../../src/rpc/peer.ts');
    const peer = new Peer('service/0', {
      secret: 'not-the-secret',
      callerId: 'intruder',
      resolver: { resolve: () => Promise.resolve(server.address) },
      maxMessageBytes: 1024,
    });
    try {
      const error = await peer.call('echo', [1], {}).catch((e: unknown) => e);
      expect(lp.isLaunchpadError(error, 'UNAUTHENTICATED')).toBe(true);
    } finally {
      peer.close();
    }
    await vi.waitFor(() => {
      expect(server.connectionCount).toBe(0);
    }, 5_000);
  });
});
