/**
 * @module
 * The Unix domain socket an RPC server also listens on for callers on its host (see
 * local-route.ts): a call then skips the kernel's TCP stack.
 *
 * Its folder is the launch's (a short name from the launcher's pid and a random id, so
 * the path stays within `sun_path`'s bytes whatever the working directory is), entered
 * by this user alone (0700): a folder that exists with any other owner or mode is not
 * used, so nobody else can plant or reach a socket there. The file itself is made 0600
 * where the platform honours a socket's mode. A socket left by a node that was killed is
 * replaced when the node starts again, and a stopping node removes its socket, then the
 * folder if it was the last (also when it exits without stopping its server, its
 * launcher gone). Connections are authenticated by the server exactly as TCP ones are.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rmdirSync, rmSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';

/** The longest socket path every platform takes (`sun_path` is 104 bytes on macOS). */
export const MAX_SOCKET_PATH_BYTES = 103;

/** A listening Unix socket. */
export interface LocalListener {
  /** Its path. */
  readonly path: string;
  /** Stops listening and removes the socket (and its folder, when it was the last). */
  close(): Promise<void>;
}

/**
 * The path of node `nodeId`'s socket in the launch's folder `folder`: a hash of the id,
 * so that any id makes a short file name, and the same id (a restarted node) the same.
 */
export function socketPath(folder: string, nodeId: string): string {
  const name = createHash('sha256').update(nodeId).digest('hex').slice(0, 16);
  return join(folder, `${name}.sock`);
}

/**
 * Listens on `path`, handing each connection to `accept`; `undefined` when the folder is
 * not this user's alone, the path is too long, or the socket cannot be made (the server
 * then serves TCP alone, which every caller can use).
 */
export async function listenLocal(
  path: string,
  accept: (socket: Socket) => void,
): Promise<LocalListener | undefined> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) return undefined;
  // Twice: a node stopping meanwhile may remove the folder it thought it was the last in.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!(await ownFolder(dirname(path)))) return undefined;
    await removeStaleSocket(path);
    const server = createServer(accept);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ path }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch {
      continue;
    }
    server.on('error', () => undefined);
    // The folder already keeps others out; the mode says so on the file as well.
    await chmod(path, 0o600).catch(() => undefined);
    listening.add(path);
    return { path, close: () => closeLocal(server, path) };
  }
  return undefined;
}

// The sockets this process listens on: a process that exits without closing its server
// (a node whose launcher is gone exits at once) removes them on its way out.
const listening = new Set<string>();
process.once('exit', () => {
  for (const path of listening) {
    try {
      rmSync(path, { force: true });
      rmdirSync(dirname(path));
    } catch {
      // Another node's socket keeps the folder; the launcher removes it.
    }
  }
});

async function closeLocal(server: Server, path: string): Promise<void> {
  listening.delete(path);
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  await rm(path, { force: true }).catch(() => undefined);
  // Only an empty folder goes: the other nodes' sockets keep it.
  await rmdir(dirname(path)).catch(() => undefined);
}

/**
 * Removes a launch's socket folder and whatever killed nodes left in it, when it is this
 * user's own folder (one someone else made under its name is left alone).
 */
export async function removeSocketFolder(folder: string): Promise<void> {
  try {
    const stats = await lstat(folder);
    const uid = process.getuid?.();
    if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid)) return;
    await rm(folder, { recursive: true, force: true });
  } catch {
    // Already gone: the last node removed it.
  }
}

/**
 * Makes `folder` (0700) if it is missing; true when it is a real folder (not a link)
 * that this user owns and nobody else may enter.
 */
export async function ownFolder(folder: string): Promise<boolean> {
  try {
    await mkdir(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  try {
    const stats = await lstat(folder);
    const uid = process.getuid?.();
    return (
      stats.isDirectory() && (uid === undefined || stats.uid === uid) && (stats.mode & 0o077) === 0
    );
  } catch {
    return false;
  }
}

// A socket file left by a killed run of the same node (in a folder only this user
// enters, so it is ours) would make listen fail with EADDRINUSE.
async function removeStaleSocket(path: string): Promise<void> {
  try {
    if ((await lstat(path)).isSocket()) await rm(path, { force: true });
  } catch {
    // Missing: nothing to remove.
  }
}

/**
 * A new launch's socket folder: in the system's temporary folder (or `/tmp` when that
 * path is too long for socket paths), named from the launcher's process id and a random
 * id. Nodes make it (0700) when they first listen.
 */
export function launchSocketFolder(): string {
  const name = `lp-${String(process.pid)}-${randomBytes(6).toString('hex')}`;
  const folder = join(tmpdir(), name);
  // The folder, a separator and a 21-byte file name must fit.
  return Buffer.byteLength(folder) + 22 <= MAX_SOCKET_PATH_BYTES ? folder : join('/tmp', name);
}

// A folder launchSocketFolder() named: the launcher's process id is the first group.
const FOLDER_NAME = /^lp-(\d+)-[0-9a-f]{12}$/;

/**
 * Removes the socket folders, next to `folder`, of launchers of this user that are gone:
 * a launcher killed outright (SIGKILL) cannot remove its own, and the kernel kills its
 * node processes with it, so the next launch on the host does.
 */
export async function sweepDeadLaunchFolders(folder: string): Promise<void> {
  const parent = dirname(folder);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(FOLDER_NAME.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    await removeSocketFolder(join(parent, name));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
