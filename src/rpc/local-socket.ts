/**
 * @module
 * The Unix domain socket an RPC server also listens on for callers on its host (see
 * local-route.ts): a call then skips the kernel's TCP stack.
 *
 * Every launch's sockets sit in a folder of its own, inside a parent that is this user's
 * alone: `$XDG_RUNTIME_DIR/launchpad-ts` when that runtime folder is the user's own and
 * private, else `<tmpdir>/launchpad-ts-<uid>` (`/tmp` when the temporary folder's path is
 * too long for `sun_path`). Before each use, the parent and the launch's folder are
 * checked with `lstat`: a real folder (not a link), this user's, with no group or other
 * bits; every folder above it must be root's or this user's and, if others may write
 * in it, sticky (see {@link ancestorsProblem}). Anything else means no Unix socket (TCP
 * alone). Since nobody else may enter the parent or rename it, nothing can be swapped
 * between that check and `listen`,
 * and a caller checks the same folders, and that the socket is its own user's, before
 * it connects and presents the launch's secret.
 *
 * The launch folder's name carries a hash of the host identity and the PID namespace it
 * was named in, then the launcher's pid: a later launch removes the folders a killed
 * launcher left only when they carry its own scope and their pid is gone. A folder named
 * elsewhere (another host sharing the folder, a container, the login host of a Slurm
 * job whose nodes run here) is never swept. A socket left by a node that was killed is
 * replaced when the node starts again (once a connect to it is refused), and a stopping
 * node removes its socket, then the folder if it was the last. Connections are
 * authenticated by the server exactly as TCP ones are.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, readlinkSync, realpathSync, rmdirSync, rmSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';
import { tmpdir, userInfo } from 'node:os';
import { ancestorsProblem } from '../internal/private-folder.ts';
import { hostIdentity } from './local-route.ts';

/** The longest socket path every platform takes (`sun_path` is 104 bytes on macOS). */
export const MAX_SOCKET_PATH_BYTES = 103;

// A socket's file name in its folder, with the separator: '/' + 16 hex + '.sock'.
const SOCKET_NAME_BYTES = 22;

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
 * What is wrong with `folder` as a private folder of this user's, in words; `undefined`
 * when it is a real folder (not a symbolic link, never followed), owned by this user,
 * with no group or other permission bits.
 */
export function privateFolderProblem(folder: string): string | undefined {
  let stats;
  try {
    stats = lstatSync(folder);
  } catch (error) {
    return `it cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  if (stats.isSymbolicLink()) return 'it is a symbolic link';
  if (!stats.isDirectory()) return 'it is not a folder';
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    return `it belongs to user ${String(stats.uid)}, not to you (${String(uid)})`;
  }
  if ((stats.mode & 0o077) !== 0) {
    return `its mode is ${(stats.mode & 0o777).toString(8)}, not 700 (others may enter it)`;
  }
  return undefined;
}

/**
 * True when a caller may connect to the socket at `path` and present the launch's
 * secret there: its folder and the folder's parent pass {@link privateFolderProblem},
 * and the file is a socket of this user's (none other can have made it or replaced it).
 */
export function trustedSocket(path: string): boolean {
  const folder = dirname(path);
  if (privateFolderProblem(dirname(folder)) !== undefined) return false;
  if (ancestorsProblem(dirname(folder)) !== undefined) return false;
  if (privateFolderProblem(folder) !== undefined) return false;
  try {
    const stats = lstatSync(path);
    const uid = process.getuid?.();
    return stats.isSocket() && (uid === undefined || stats.uid === uid);
  } catch {
    return false;
  }
}

/**
 * Listens on `path`, handing each connection to `accept`; `undefined` when the path is
 * too long, its folder or the folder's parent is not this user's alone (see
 * {@link privateFolderProblem}), something still listens there, or the socket cannot be
 * made (the server then serves TCP alone, which every caller can use).
 */
export async function listenLocal(
  path: string,
  accept: (socket: Socket) => void,
): Promise<LocalListener | undefined> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) return undefined;
  // Twice: a node stopping meanwhile may remove the folder it thought it was the last in.
  for (let attempt = 0; attempt < 2; attempt++) {
    // The parent first: once it is this user's alone, nobody else can swap the folder or
    // the socket between these checks and listen (see the module's note).
    if (!(await ownFolder(dirname(dirname(path))))) return undefined;
    if (ancestorsProblem(dirname(dirname(path))) !== undefined) return undefined;
    if (!(await ownFolder(dirname(path)))) return undefined;
    if (!(await removeStaleSocket(path))) return undefined;
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
 * Removes a launch's socket folder and whatever killed nodes left in it, when it is a
 * real folder of this user's (a link, or one someone else made under its name, is left
 * alone; `rm` does not follow the links inside).
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
 * Makes `folder` (0700) if it is missing; true when it then passes
 * {@link privateFolderProblem}.
 */
export async function ownFolder(folder: string): Promise<boolean> {
  try {
    await mkdir(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  return privateFolderProblem(folder) === undefined;
}

/**
 * Clears the way for listening at `path`: a socket file left by a killed run of the same
 * node (in a folder only this user enters, so it is ours) would make listen fail with
 * EADDRINUSE. It is removed only once a connect to it is refused; false when something
 * still accepts there (or it is not a socket), which is then left alone.
 */
export async function removeStaleSocket(path: string): Promise<boolean> {
  try {
    if (!(await lstat(path)).isSocket()) return false;
  } catch {
    return true; // Missing: nothing to remove.
  }
  const refused = await new Promise<boolean>((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ECONNREFUSED' || error.code === 'ENOENT');
    });
  });
  if (refused) await rm(path, { force: true }).catch(() => undefined);
  return refused;
}

/** Where a new launch's socket folder goes, or why no Unix sockets can be used. */
export type LaunchSocketFolder =
  | { readonly folder: string; readonly problem?: undefined }
  | { readonly folder?: undefined; readonly problem: string };

/**
 * The parent of this user's launch folders: `$XDG_RUNTIME_DIR/launchpad-ts` when the
 * runtime folder is set, absolute and this user's alone, else
 * `<tmpdir>/launchpad-ts-<uid>` (`/tmp/…` when the temporary folder's path is too long
 * for a socket path under it).
 */
export function socketParent(): string {
  const runtime = process.env['XDG_RUNTIME_DIR'];
  if (runtime !== undefined && isAbsolute(runtime) && privateFolderProblem(runtime) === undefined) {
    const parent = join(realOrSelf(runtime), 'launchpad-ts');
    if (fits(parent)) return parent;
  }
  const uid = process.getuid?.();
  const name = `launchpad-ts-${uid === undefined ? userInfo().username : String(uid)}`;
  const parent = join(realOrSelf(tmpdir()), name);
  return fits(parent) ? parent : join(realOrSelf('/tmp'), name);
}

// The folder's path with every link resolved (the ancestors' check refuses links, and a
// temporary folder reached through a system link, as macOS's, is still usable).
function realOrSelf(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return folder;
  }
}

// A parent, a launch folder's name and a socket's name fit in sun_path.
function fits(parent: string): boolean {
  return (
    Buffer.byteLength(parent) + 1 + FOLDER_NAME_BYTES + SOCKET_NAME_BYTES <= MAX_SOCKET_PATH_BYTES
  );
}

// `lp-` + 12 hex of scope + '-' + a pid (up to 7 digits on Linux, 10 anywhere) + '-' + 12 hex.
const FOLDER_NAME_BYTES = 3 + 12 + 1 + 10 + 1 + 12;

/**
 * A new launch's socket folder, in {@link socketParent} (made 0700 and checked here),
 * named from this host's {@link launchScope}, the launcher's process id and a random id.
 * Nodes make the folder (0700) when they first listen. When the parent is not this
 * user's alone, the answer says what is wrong with it, and the launch keeps TCP.
 */
export async function launchSocketFolder(): Promise<LaunchSocketFolder> {
  const parent = socketParent();
  try {
    await mkdir(parent, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST')
      return { problem: `${parent} cannot be made (${code ?? String(error)})` };
  }
  const problem = privateFolderProblem(parent) ?? ancestorsProblem(parent);
  if (problem !== undefined) return { problem: `${parent} is not used: ${problem}` };
  const name = `lp-${launchScope()}-${String(process.pid)}-${randomBytes(6).toString('hex')}`;
  return { folder: join(parent, name) };
}

let scope: string | undefined;

/**
 * 12 hex characters naming where a launcher's pid means something: this host (and mount
 * namespace, see {@link hostIdentity}) and this PID namespace. Where there is no `/proc`,
 * the host identity is the host name alone and there is no PID namespace to add.
 */
export function launchScope(): string {
  scope ??= createHash('sha256')
    .update(`${hostIdentity()}\n${pidNamespace()}`)
    .digest('hex')
    .slice(0, 12);
  return scope;
}

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

/**
 * Removes the socket folders, in `folder`'s parent, of launchers of this user that are
 * gone: a launcher killed outright (SIGKILL) cannot remove its own, and the kernel kills
 * its node processes with it, so the next launch on the host does. Only folders named in
 * this launcher's {@link launchScope} (this host, this PID namespace) are considered,
 * where `kill(pid, 0)` says the truth about their launcher; only when the parent is this
 * user's alone; and links are never followed.
 */
export async function sweepDeadLaunchFolders(folder: string): Promise<void> {
  const parent = dirname(folder);
  // Without a PID namespace to tell, another container's launcher could look dead.
  if (process.platform === 'linux' && pidNamespace() === '') return;
  if (privateFolderProblem(parent) !== undefined) return;
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  const ours = new RegExp(`^lp-${launchScope()}-(\\d{1,10})-[0-9a-f]{12}$`);
  for (const name of names) {
    const pid = Number(ours.exec(name)?.[1] ?? Number.NaN);
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
