/**
 * The framed floor's server: reads length-prefixed messages, gathers each into a fresh
 * contiguous buffer, and writes it back with its length. Prints `PORT <n>` once listening
 * on 127.0.0.1.
 */
import { createServer } from 'node:net';
import { FramedGatherer, frameHead } from '../framed-gather.ts';

const server = createServer((socket) => {
  socket.setNoDelay(true);
  const gatherer = new FramedGatherer((message) => {
    socket.cork();
    socket.write(frameHead(message.length));
    socket.write(message);
    socket.uncork();
  });
  socket.on('data', (chunk: Buffer) => {
    gatherer.push(chunk);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`PORT ${typeof address === 'object' && address !== null ? address.port : 0}`);
});
