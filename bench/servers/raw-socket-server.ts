/**
 * The raw socket floor's server: echoes every byte it reads on the same TCP socket, with
 * no framing and no encoding. Prints `PORT <n>` once listening on 127.0.0.1.
 */
import { createServer } from 'node:net';

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    // Backpressure as a plain pipe would: stop reading while the kernel is full.
    if (!socket.write(chunk)) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`PORT ${typeof address === 'object' && address !== null ? address.port : 0}`);
});
