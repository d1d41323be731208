/**
 * The framed floor of the large echoes: the bytes of the same Float32Array sent over a
 * plain TCP socket with a 4-byte length, and on each side gathered into a fresh contiguous
 * buffer (what any RPC that hands its receiver one array must do), then echoed back; the
 * client hands back a Float32Array over the buffer it gathered. No encoding. Only the
 * echo figures apply.
 */
import { connect } from 'node:net';
import { FramedGatherer, frameHead } from '../framed-gather.ts';
import { reportEchoOnly } from '../measure.ts';
import { spawnServer } from './spawn-server.ts';

const { port, child } = await spawnServer('raw-framed-server.ts');
try {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  let done: ((message: Buffer) => void) | undefined;
  const gatherer = new FramedGatherer((message) => done?.(message));
  socket.on('data', (chunk: Buffer) => {
    gatherer.push(chunk);
  });
  const echo = (value: Float32Array): Promise<Float32Array> =>
    new Promise((resolve) => {
      done = (message) => {
        done = undefined;
        resolve(new Float32Array(message.buffer, message.byteOffset, message.length / 4));
      };
      socket.cork();
      socket.write(frameHead(value.byteLength));
      socket.write(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      socket.uncork();
    });
  await reportEchoOnly(echo);
  socket.destroy();
} finally {
  child.kill();
}
