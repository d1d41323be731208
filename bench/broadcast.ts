/**
 * A parameter broadcast: 4 MiB of parameters (a Float32Array) fetched by 8 readers, each
 * its own process, `ROUNDS` times each, all at once. Prints the MB/s received by all
 * readers together for launchpad-ts under `processes` (a learner node and 8 reader nodes)
 * and for its floor from the same run: a plain TCP server writing the same bytes to 8
 * reader processes on request, with no framing and no encoding.
 * `npx tsx bench/broadcast.ts [--rounds=10]`. Bounded by the number of rounds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as lp from 'launchpad-ts';

const PARAMETER_BYTES = 4 * 1024 * 1024;
const READERS = 8;

/** Holds the parameters. */
export class ParameterServer {
  readonly #params = new Float32Array(PARAMETER_BYTES / 4).map((_, i) => i % 1000);

  /** The current parameters. */
  getParams(): Float32Array {
    return this.#params;
  }
}

/** Fetches the parameters on request. */
export class ParameterReader {
  constructor(private readonly server: lp.Client<ParameterServer>) {}

  /** Fetches the parameters `rounds` times; returns the bytes received. */
  async pull(rounds: number): Promise<number> {
    let bytes = 0;
    for (let i = 0; i < rounds; i++) {
      const params = await this.server.getParams();
      if (params[999] !== 999) throw new Error('parameters corrupted');
      bytes += params.byteLength;
    }
    return bytes;
  }
}

async function measureLaunchpad(rounds: number): Promise<number> {
  const program = new lp.Program('broadcast');
  const server = program.addNode(new lp.ServiceNode(ParameterServer), 'server');
  const readers = Array.from({ length: READERS }, () =>
    program.addNode(new lp.ServiceNode(ParameterReader, server), 'reader'),
  );
  const running = lp.launch(program, { launchType: 'processes' });
  try {
    await running.ready;
    const clients = readers.map((reader) => running.client(reader, { timeoutMs: 120_000 }));
    await Promise.all(clients.map((reader) => reader.pull(1))); // connections, first copies
    const start = performance.now();
    const bytes = await Promise.all(clients.map((reader) => reader.pull(rounds)));
    const seconds = (performance.now() - start) / 1_000;
    return bytes.reduce((sum, n) => sum + n, 0) / seconds / 1e6;
  } finally {
    await running.stop();
  }
}

// The floor's reader process: connects, waits for "go" on stdin, asks for the parameters
// `rounds` times (one byte each), counts what arrives, and prints DONE.
function rawReader(port: number, rounds: number): void {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  let received = 0;
  let round = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received < PARAMETER_BYTES) return;
    received -= PARAMETER_BYTES;
    if (++round === rounds) {
      console.log('DONE');
      socket.destroy();
      return;
    }
    socket.write('?');
  });
  socket.once('connect', () => {
    console.log('READY');
  });
  process.stdin.once('data', () => socket.write('?'));
}

function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(line)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      reject(new Error(`a raw reader exited with ${String(code)} before ${line}`));
    });
  });
}

async function measureRawSocket(rounds: number): Promise<number> {
  // Memory touched once, as the learner's parameters are.
  const params = Buffer.alloc(PARAMETER_BYTES, 7);
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      // One answer per request byte.
      for (const _request of chunk) socket.write(params);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const script = fileURLToPath(import.meta.url);
  const readers = Array.from({ length: READERS }, () =>
    spawn(
      process.execPath,
      [...process.execArgv, script, 'raw-reader', String(port), String(rounds)],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    ),
  );
  try {
    await Promise.all(readers.map((reader) => waitForLine(reader, 'READY')));
    const done = Promise.all(readers.map((reader) => waitForLine(reader, 'DONE')));
    const start = performance.now();
    for (const reader of readers) reader.stdin.write('go\n');
    await done;
    const seconds = (performance.now() - start) / 1_000;
    return (READERS * rounds * PARAMETER_BYTES) / seconds / 1e6;
  } finally {
    for (const reader of readers) reader.kill();
    server.close();
  }
}

if (process.argv[2] === 'raw-reader') {
  rawReader(Number(process.argv[3]), Number(process.argv[4]));
} else {
  lp.main(async () => {
    const { values } = parseArgs({ strict: false, options: { rounds: { type: 'string' } } });
    const rounds = Number(values.rounds ?? 10);
    const floor = await measureRawSocket(rounds);
    const launchpad = await measureLaunchpad(rounds);
    console.log(
      `4 MiB to ${READERS} readers × ${rounds}: launchpad-ts processes ${launchpad.toFixed(0)} MB/s, ` +
        `raw socket ${floor.toFixed(0)} MB/s, ratio ${(launchpad / floor).toFixed(2)}×`,
    );
    console.log(
      `RESULT ${JSON.stringify({ readers: READERS, rounds, launchpad, rawSocket: floor })}`,
    );
  });
}
