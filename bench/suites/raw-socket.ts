/**
 * The floor of the large echoes: the bytes of the same Float32Array written to a plain TCP
 * socket and echoed back by another process, with no framing, no encoding and no copy into
 * an array on arrival (the client only counts the bytes). Only the echo figures apply.
 */
import { connect } from 'node:net';
import { reportEchoOnly } from '../measure.ts';
import { spawnServer } from './spawn-server.ts';

const { port, child } = await spawnServer('raw-socket-server.ts');
try {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  let expected = 0;
  let received = 0;
  let done: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received >= expected) done?.();
  });
  // Echoes `value`'s bytes and hands back the same array once they have all come back.
  const echo = (value: Float32Array): Promise<Float32Array> =>
    new Promise((resolve) => {
      expected = value.byteLength;
      received = 0;
      done = () => {
        done = undefined;
        resolve(value);
      };
      socket.write(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    });
  await reportEchoOnly(echo);
  socket.destroy();
} finally {
  child.kill();
}
