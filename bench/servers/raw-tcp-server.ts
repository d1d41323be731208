/**
 * The raw baseline's server: msgpackr frames (a 4-byte length, then the body) over TCP,
 * answered in the same handler, the way one would write a mini-RPC by hand. Prints
 * `PORT <n>` once listening on 127.0.0.1 (or `PORT 0` once listening on the Unix socket
 * `BENCH_UNIX_PATH` names).
 */
import { createServer, type Socket } from 'node:net';
import { Packr } from 'msgpackr';
import { makeBatcher } from './mini-batcher.ts';

const packr = new Packr({ moreTypes: true });

/** Writes `message` as one frame: a small one in one write, a large one in two. */
export function sendFrame(socket: Socket, message: unknown): void {
  const body = packr.pack(message);
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(body.length, 0);
  socket.write(body.length < 16_384 ? Buffer.concat([header, body]) : header);
  if (body.length >= 16_384) socket.write(body);
}

/** Calls `onMessage` with each decoded frame arriving on `socket`. */
export function readFrames(socket: Socket, onMessage: (message: unknown) => void): void {
  // Chunks are kept apart until a frame is complete, then joined once: no quadratic copy.
  let chunks: Buffer[] = [];
  let buffered = 0;
  let needed = 4;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    if (buffered < needed) return;
    let buffer = chunks.length === 1 ? chunk : Buffer.concat(chunks, buffered);
    needed = 4;
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      if (buffer.length < 4 + length) {
        needed = 4 + length;
        break;
      }
      onMessage(packr.unpack(buffer.subarray(4, 4 + length)));
      buffer = buffer.subarray(4 + length);
    }
    chunks = buffer.length === 0 ? [] : [buffer];
    buffered = buffer.length;
  });
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const batch = makeBatcher();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    readFrames(socket, (message) => {
      const [id, method, value] = message as [number, string, unknown];
      if (method === 'compute') {
        batch(value as number, (result) => {
          sendFrame(socket, [id, result]);
        });
      } else {
        sendFrame(socket, [id, value]);
      }
    });
  });
  // BENCH_UNIX_PATH: the same server on a Unix domain socket (the same-host floor).
  const path = process.env['BENCH_UNIX_PATH'];
  if (path !== undefined) {
    server.listen(path, () => {
      console.log('PORT 0');
    });
  } else {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      console.log(`PORT ${typeof address === 'object' && address !== null ? address.port : 0}`);
    });
  }
}
