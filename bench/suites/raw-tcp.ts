/**
 * The floor: msgpackr over TCP between two processes, with call ids so that many calls
 * can be in flight, and nothing else. With the argument `unix`, the same over a Unix
 * domain socket: the floor of the transport launchpad-ts nodes use on one host.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFrames, sendFrame } from '../servers/raw-tcp-server.ts';
import { measure, report, type Transport } from '../measure.ts';
import { spawnServer } from './spawn-server.ts';

const folder = process.argv[2] === 'unix' ? mkdtempSync(join(tmpdir(), 'lp-bench-')) : undefined;
const path = folder === undefined ? undefined : join(folder, 'raw.sock');
const { port, child } = await spawnServer(
  'raw-tcp-server.ts',
  path === undefined ? {} : { BENCH_UNIX_PATH: path },
);
try {
  const socket = path === undefined ? connect({ host: '127.0.0.1', port }) : connect({ path });
  if (path === undefined) socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 0;
  readFrames(socket, (message) => {
    const [id, value] = message as [number, unknown];
    const resolve = pending.get(id);
    pending.delete(id);
    resolve?.(value);
  });
  const call = <T>(method: string, value: unknown): Promise<T> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (value: unknown) => void);
      sendFrame(socket, [id, method, value]);
    });
  const transport: Transport = {
    // At 64 MiB this baseline takes tens of seconds per call (msgpackr copies the array in
    // and out of fresh memory), and the floor the target names is the raw socket.
    echoes64MiB: false,
    ping: (value) => call('ping', value),
    echo: (value) => call('echo', value),
    compute: (value) => call('compute', value),
  };
  report(await measure(transport));
  socket.destroy();
} finally {
  child.kill();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
}
