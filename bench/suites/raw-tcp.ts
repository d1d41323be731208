/**
 * The floor: msgpackr over TCP between two processes, with call ids so that many calls
 * can be in flight, and nothing else.
 */
import { connect } from 'node:net';
import { readFrames, sendFrame } from '../servers/raw-tcp-server.ts';
import { measure, report, type Transport } from '../measure.ts';
import { spawnServer } from './spawn-server.ts';

const { port, child } = await spawnServer('raw-tcp-server.ts');
try {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
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
}
