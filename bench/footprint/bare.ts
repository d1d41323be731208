/**
 * The footprint floor: `node bare.js <processes|threads> <count>` starts `count` bare Node
 * processes (or bare worker threads) that each connect back once over TCP and then idle
 * with the connection open, as an idle node does. When all are connected it prints
 * `NODES {"bare/0": pid, …}` and waits; SIGINT (or the benchmark's exit, which closes the
 * connections) ends them all. Nothing of launchpad-ts is loaded.
 */
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';

const [kind = 'processes', countText = '9'] = process.argv.slice(2);
const count = Number(countText);
const sockets: Socket[] = [];
const server = createServer((socket) => {
  socket.on('data', (pid: Buffer) => {
    sockets.push(socket);
    pids[`bare/${sockets.length - 1}`] = Number(pid.toString());
    if (sockets.length === count) console.log(`NODES ${JSON.stringify(pids)}`);
  });
  socket.on('error', () => undefined);
});
const pids: Record<string, number> = {};
if (count === 0) console.log('NODES {}');
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  // Each one says its pid, then idles until its connection closes.
  const code =
    `const s = require('node:net').connect(${port}, '127.0.0.1', () => s.write(String(process.pid)));` +
    "s.on('close', () => process.exit(0)).on('error', () => process.exit(0)).resume();";
  for (let index = 0; index < count; index++) {
    if (kind === 'threads') new Worker(code, { eval: true });
    else spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  }
});
process.on('SIGINT', () => {
  for (const socket of sockets) socket.destroy();
  server.close();
  process.exit(0);
});
