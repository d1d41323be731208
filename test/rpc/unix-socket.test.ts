/**
 * The same-host transport: a server given a socket path also listens on a Unix domain
 * socket in a folder only this user enters; a client on this host reaches it there (and
 * falls back to TCP when the socket is gone); a stranger on the socket is refused and
 * released as on TCP; nothing is left once the server closes, and a socket left by a
 * killed run does not stop the next (one something still listens on is left alone). A
 * client presents the secret only to a socket of its user's in folders nobody else may
 * enter, and keeps to TCP once a handshake on the socket failed.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { socketPath } from '../../src/rpc/local-socket.ts';
import { HELLO_TIMEOUT_MS, MAX_UNAUTHENTICATED_CONNECTIONS } from '../../src/rpc/protocol.ts';
import { destroyRawSockets, endedByServer, rawSocket, WRONG_HELLO } from '../helpers/raw-socket.ts';
import { closeAll, serve } from './harness.ts';

const echo = { echo: (value: number) => value };

let base = '';
let folder = '';

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'lp-uds-test-'));
  folder = join(base, 'lp-launch');
});

const squatters: Server[] = [];
const squatted: Socket[] = [];

afterEach(async () => {
  destroyRawSockets();
  await closeAll();
  for (const socket of squatted.splice(0)) socket.destroy();
  await Promise.all(
    squatters.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
  rmSync(base, { recursive: true, force: true });
});

// A server at `path` that is not the node's: it counts connections and does to each what
// `onConnection` says (nothing: it never answers HELLO).
async function squat(
  path: string,
  onConnection: (socket: Socket) => void = () => undefined,
): Promise<{ accepted: () => number }> {
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    squatted.push(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  squatters.push(server);
  await new Promise<void>((resolve) => server.listen({ path }, resolve));
  return { accepted: () => accepted };
}

const isRoot = process.getuid?.() === 0;

describe('the Unix socket of an RPC server', () => {
  it('carries the calls of a client on the same host', async () => {
    const path = socketPath(folder, 'service/0');
    const { server, client } = await serve(echo, { localPath: path });
    expect(server.localPath).toBe(path);
    expect(await client().echo(7)).toBe(7);
    expect(server.connectionCount).toBe(1);
    expect(server.localConnectionCount).toBe(1);
  });

  it('lives in a folder only this user enters (0700), the socket itself 0600', async () => {
    const path = socketPath(folder, 'service/0');
    await serve(echo, { localPath: path });
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.byteLength(path)).toBeLessThan(104);
  });

  it('is not used in a folder others may enter: the server keeps TCP alone', async () => {
    mkdirSync(folder, { mode: 0o755 });
    chmodSync(folder, 0o755);
    const { server, client } = await serve(echo, { localPath: socketPath(folder, 'service/0') });
    expect(server.localPath).toBeUndefined();
    expect(await client().echo(1)).toBe(1);
    expect(server.localConnectionCount).toBe(0);
  });

  it("is not used when the folder's parent may be entered by others", async () => {
    chmodSync(base, 0o755);
    const { server, client } = await serve(echo, { localPath: socketPath(folder, 'service/0') });
    expect(server.localPath).toBeUndefined();
    expect(existsSync(folder)).toBe(false);
    expect(await client().echo(1)).toBe(1);
  });

  it('a client falls back to TCP when the socket is gone', async () => {
    const path = socketPath(folder, 'service/0');
    const { server, client } = await serve(echo, { localPath: path });
    rmSync(path);
    expect(await client().echo(3)).toBe(3);
    expect(server.connectionCount).toBe(1);
    expect(server.localConnectionCount).toBe(0);
  });

  it('refuses and releases a connection that does not present the secret', async () => {
    const path = socketPath(folder, 'service/0');
    const { server, client } = await serve(echo, { localPath: path });
    const socket = await rawSocket(path);
    expect(socket.remoteAddress).toBeUndefined();
    const answered = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write(WRONG_HELLO);
    expect((await answered).includes(Buffer.from('refused'))).toBe(true);
    await vi.waitFor(() => {
      expect(server.connectionCount).toBe(0);
    }, 5_000);
    expect(await client().echo(2)).toBe(2);
  });

  it(
    'closes a connection that stays silent, once the HELLO timer runs out',
    async () => {
      const path = socketPath(folder, 'service/0');
      const { server } = await serve(echo, { localPath: path });
      const socket = await rawSocket(path);
      await vi.waitFor(() => {
        expect(server.localConnectionCount).toBe(1);
      }, 5_000);
      // Nothing is sent: the server, not the client, ends it.
      await endedByServer(socket);
      await vi.waitFor(() => {
        expect(server.connectionCount).toBe(0);
      }, 5_000);
    },
    HELLO_TIMEOUT_MS + 10_000,
  );

  it('counts its strangers against the same cap as TCP', async () => {
    const path = socketPath(folder, 'service/0');
    const { server, client } = await serve(echo, { localPath: path });
    const strangers: Socket[] = [];
    for (let index = 0; index < MAX_UNAUTHENTICATED_CONNECTIONS; index++) {
      strangers.push(await rawSocket(server.address));
    }
    await vi.waitFor(() => {
      expect(server.connectionCount).toBe(MAX_UNAUTHENTICATED_CONNECTIONS);
    }, 5_000);
    // One more stranger, over the Unix socket, is closed at once.
    await endedByServer(await rawSocket(path));
    await vi.waitFor(() => {
      expect(server.localConnectionCount).toBe(0);
    }, 5_000);
    for (const socket of strangers.slice(0, 10)) socket.destroy();
    await vi.waitFor(() => {
      expect(server.connectionCount).toBeLessThanOrEqual(MAX_UNAUTHENTICATED_CONNECTIONS - 10);
    }, 5_000);
    expect(await client().echo(5)).toBe(5);
  });

  it('drops at once a first frame announcing more than a HELLO', async () => {
    const path = socketPath(folder, 'service/0');
    const { server } = await serve(echo, { localPath: path });
    const socket = await rawSocket(path);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(512 * 1024 * 1024);
    socket.write(Buffer.concat([head, Buffer.alloc(64 * 1024, 7)]));
    await vi.waitFor(() => {
      expect(server.localConnectionCount).toBe(0);
    }, 5_000);
  });

  it('leaves neither the socket nor its folder once closed', async () => {
    const path = socketPath(folder, 'service/0');
    const { client } = await serve(echo, { localPath: path });
    expect(await client().echo(4)).toBe(4);
    await closeAll();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(folder)).toBe(false);
  });

  it('replaces a socket file left by a killed run', async () => {
    const path = socketPath(folder, 'service/0');
    mkdirSync(folder, { mode: 0o700 });
    // A process that binds the path and exits without removing it, as a SIGKILLed node.
    execFileSync('/usr/bin/python3', [
      '-c',
      'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
      path,
    ]);
    expect(statSync(path).isSocket()).toBe(true);
    const { server, client } = await serve(echo, { localPath: path });
    expect(server.localPath).toBe(path);
    expect(await client().echo(5)).toBe(5);
    expect(server.localConnectionCount).toBe(1);
  });

  it('is left alone while something still listens on it: the server keeps TCP alone', async () => {
    const path = socketPath(folder, 'service/0');
    mkdirSync(folder, { mode: 0o700 });
    const other = await squat(path, (socket) => socket.end());
    const { server, client } = await serve(echo, { localPath: path });
    expect(server.localPath).toBeUndefined();
    expect(await client().echo(6)).toBe(6);
    await rawSocket(path);
    expect(other.accepted()).toBe(2); // the probe, then this connection
  });
});

describe('a client on the same host', () => {
  it('keeps TCP when the socket folder may be entered by others', async () => {
    const path = socketPath(folder, 'service/0');
    const { server, client } = await serve(echo, { localPath: path });
    chmodSync(folder, 0o711);
    expect(await client().echo(1)).toBe(1);
    expect(server.localConnectionCount).toBe(0);
    expect(server.connectionCount).toBe(1);
  });

  it("keeps TCP when the socket folder's parent may be entered by others", async () => {
    const path = socketPath(folder, 'service/0');
    const { server, client } = await serve(echo, { localPath: path });
    chmodSync(base, 0o755);
    expect(await client().echo(1)).toBe(1);
    expect(server.localConnectionCount).toBe(0);
  });

  it('keeps TCP when the socket folder is a symbolic link', async () => {
    const path = socketPath(folder, 'service/0');
    const { server, client } = await serve(echo, { localPath: path });
    renameSync(folder, `${folder}-real`);
    symlinkSync(`${folder}-real`, folder);
    expect(await client().echo(1)).toBe(1);
    expect(server.localConnectionCount).toBe(0);
  });

  it.runIf(isRoot)('keeps TCP when the socket is another user’s', async () => {
    const path = socketPath(folder, 'service/0');
    const { server, client } = await serve(echo, { localPath: path });
    chownSync(path, 65534, 65534);
    expect(await client().echo(1)).toBe(1);
    expect(server.localConnectionCount).toBe(0);
  });

  it('keeps TCP once the socket accepted and never answered HELLO', async () => {
    const path = socketPath(folder, 'service/0');
    const { server, client } = await serve(echo, { localPath: path });
    rmSync(path);
    const silent = await squat(path);
    const echoing = client({ timeoutMs: 30_000 });
    expect(await echoing.echo(1)).toBe(1);
    expect(await echoing.echo(2)).toBe(2);
    expect(silent.accepted()).toBe(1);
    expect(server.connectionCount).toBe(1);
    expect(server.localConnectionCount).toBe(0);
  });

  it('keeps TCP once the socket closed a connection before HELLO was answered', async () => {
    const path = socketPath(folder, 'service/0');
    const { server, client } = await serve(echo, { localPath: path });
    rmSync(path);
    const closing = await squat(path, (socket) => socket.destroy());
    const echoing = client({ timeoutMs: 30_000 });
    expect(await echoing.echo(1)).toBe(1);
    expect(closing.accepted()).toBe(1);
    expect(server.localConnectionCount).toBe(0);
  });
});
