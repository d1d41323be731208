/**
 * The startup floor: `node floor.js <processes|threads> <count>` starts `count` bare Node
 * processes (or bare worker threads) that each connect back once over TCP, and prints
 * `READY` when all have connected. Nothing of launchpad-ts is loaded.
 */
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';

const [kind = 'processes', countText = '17'] = process.argv.slice(2);
const count = Number(countText);
let connected = 0;
const server = createServer((socket) => {
  socket.end();
  connected += 1;
  if (connected === count) {
    console.log('READY');
    server.close();
  }
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const code = `require('node:net').connect(${port}, '127.0.0.1').on('close', () => process.exit(0)).resume();`;
  for (let index = 0; index < count; index++) {
    if (kind === 'threads') {
      new Worker(code, { eval: true }).unref();
    } else {
      spawn(process.execPath, ['-e', code], { stdio: 'ignore' }).unref();
    }
  }
});
