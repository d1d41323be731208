/**
 * Raw TCP clients for tests that attack a server: connections that keep their side open
 * whatever the server does, each destroyed by {@link destroyRawSockets}.
 */
import { connect, type Socket } from 'node:net';

const sockets: Socket[] = [];

/**
 * A raw connection to `host:port` (or to the Unix socket at an absolute path) that keeps
 * its side open whatever the server does.
 */
export async function rawSocket(address: string): Promise<Socket> {
  const separator = address.lastIndexOf(':');
  const socket = address.startsWith('/')
    ? connect({ path: address, allowHalfOpen: true })
    : connect({
        host: address.slice(0, separator),
        port: Number(address.slice(separator + 1)),
        allowHalfOpen: true,
      });
  sockets.push(socket);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/**
 * Resolves when the server has closed its side of `socket` (the socket itself stays half
 * open, as {@link rawSocket} keeps it).
 */
export function endedByServer(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readableEnded || socket.destroyed) resolve();
    else {
      socket.once('end', resolve);
      socket.once('close', resolve);
      socket.resume();
    }
  });
}

/** Destroys every socket {@link rawSocket} opened. */
export function destroyRawSockets(): void {
  for (const socket of sockets.splice(0)) socket.destroy();
}

/** `body` behind its 4-byte big-endian length, as a first frame goes on the wire. */
export function frame(body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** A well-formed HELLO with a wrong secret: `[HELLO, 'wrong', 'attacker']` in MessagePack. */
export const WRONG_HELLO = frame(
  Buffer.from([0x93, 0x00, 0xa5, ...Buffer.from('wrong'), 0xa8, ...Buffer.from('attacker')]),
);
