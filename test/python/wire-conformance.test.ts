/**
 * The same wire conformance cases against both servers: TypeScript's RpcServer and the
 * Python one (`launchpad_ts.server`). A client that follows docs/rpc.md works with
 * either: the handshake and its refusals, results and errors, out-of-band segments,
 * stream credit, cancellation and deadlines, and a malformed CALL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as lp from 'launchpad-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrameBody, encodeFrame } from '../../src/rpc/codec.ts';
import { FrameType } from '../../src/rpc/protocol.ts';
import { PYTHON_PACKAGE_ROOT } from '../../src/spawn/python-command.ts';
import { closeAll, serve } from '../rpc/harness.ts';
import { Peer } from '../../src/rpc/peer.ts';
import { RpcClient } from '../../src/rpc/rpc-client.ts';
import { createClient } from '../../src/rpc/typed-client.ts';
import { Conformance } from './fixtures/conformance.ts';
import { TEST_PYTHON } from './python-interpreter.ts';

const SECRET = 'test-secret';
const SERVER_SCRIPT = fileURLToPath(new URL('./fixtures/conformance_server.py', import.meta.url));

interface Target {
  readonly address: string;
  readonly nodeId: string;
}

let tsTarget: Target;
let pyTarget: Target;
let python: ChildProcess;

beforeAll(async () => {
  const served = await serve(new Conformance(), { nodeId: 'conformance/0' });
  tsTarget = { address: served.server.address, nodeId: served.nodeId };
  python = spawn(TEST_PYTHON, ['-B', SERVER_SCRIPT], {
    env: { ...process.env, PYTHONPATH: PYTHON_PACKAGE_ROOT },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  python.stdin?.write(`${SECRET}\n`);
  const address = await new Promise<string>((resolve, reject) => {
    let text = '';
    python.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.trim());
    });
    python.once('exit', (code) => {
      reject(new Error(`The Python server exited with ${String(code)}.`));
    });
  });
  pyTarget = { address, nodeId: 'conformance/0' };
});

afterAll(async () => {
  await closeAll();
  python.stdin?.end();
  python.kill();
});

function clientOf(target: Target): lp.Client<Conformance> {
  const peer = new Peer(target.nodeId, {
    secret: SECRET,
    callerId: 'conformance',
    resolver: { resolve: () => Promise.resolve(target.address) },
    maxMessageBytes: 1024 ** 3,
  });
  afterAll(() => {
    peer.close();
  });
  return createClient<Conformance>(new RpcClient(peer, { timeoutMs: 10_000 }));
}

/** A raw connection that sends frames and reads them back one by one. */
class RawConnection {
  readonly #socket: Socket;
  #buffered = Buffer.alloc(0);
  readonly #frames: unknown[] = [];
  #waiting: (() => void) | undefined;
  closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffered = Buffer.concat([this.#buffered, chunk]);
      while (this.#buffered.length >= 4) {
        const length = this.#buffered.readUInt32BE(0);
        if (this.#buffered.length < 4 + length) break;
        // A copy of its own, 8-aligned, as a receiver with segments needs.
        const body = Buffer.from(this.#buffered.subarray(4, 4 + length));
        this.#buffered = this.#buffered.subarray(4 + length);
        this.#frames.push(decodeFrameBody(body));
      }
      this.#waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#waiting?.();
    });
    socket.on('error', () => undefined);
  }

  static open(address: string): Promise<RawConnection> {
    const port = Number(address.slice(address.lastIndexOf(':') + 1));
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        resolve(new RawConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    const encoded = encodeFrame(frame, 1024 ** 3);
    for (const part of Array.isArray(encoded) ? encoded : [encoded]) this.#socket.write(part);
  }

  sendRaw(bytes: Buffer): void {
    this.#socket.write(bytes);
  }

  /** The next frame, or `undefined` once the connection closed without one. */
  async next(): Promise<unknown> {
    for (;;) {
      if (this.#frames.length > 0) return this.#frames.shift();
      if (this.closed) return undefined;
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
      });
    }
  }

  async hello(): Promise<void> {
    this.send([FrameType.hello, SECRET, 'raw']);
    expect(await this.next()).toEqual([FrameType.welcome, 'conformance/0']);
  }

  close(): void {
    this.#socket.destroy();
  }
}

describe.each([
  ['TypeScript', () => tsTarget],
  ['Python', () => pyTarget],
])('the %s server', (_name, target) => {
  it('welcomes the secret and refuses anything else', async () => {
    const good = await RawConnection.open(target().address);
    await good.hello();
    good.close();
    const wrong = await RawConnection.open(target().address);
    wrong.send([FrameType.hello, 'not-the-secret', 'raw']);
    expect(await wrong.next()).toEqual([FrameType.refused, expect.stringContaining('secret')]);
    expect(await wrong.next()).toBeUndefined();
    const early = await RawConnection.open(target().address);
    early.send([FrameType.call, 1, 'echo', [1]]);
    expect(await early.next()).toEqual([FrameType.refused, expect.any(String)]);
    early.close();
  });

  it('drops a first frame over 4 KiB before reading it', async () => {
    const big = await RawConnection.open(target().address);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(5_000);
    big.sendRaw(header);
    expect(await big.next()).toBeUndefined();
  });

  it('answers calls with RESULT and ERROR frames, matched by id', async () => {
    const raw = await RawConnection.open(target().address);
    await raw.hello();
    raw.send([FrameType.call, 7, 'echo', [{ a: [1, 'x'] }]]);
    raw.send([FrameType.call, 8, 'fail', ['broken']]);
    raw.send([FrameType.call, 9, 'missing', []]);
    const answers = new Map<number, unknown[]>();
    for (let index = 0; index < 3; index++) {
      const frame = (await raw.next()) as unknown[];
      answers.set(frame[1] as number, frame);
    }
    expect(answers.get(7)).toEqual([FrameType.result, 7, { a: [1, 'x'] }]);
    expect(answers.get(8)).toEqual([
      FrameType.error,
      8,
      expect.objectContaining({ name: 'LookupError', message: 'broken', code: 'UNKNOWN' }),
    ]);
    expect(answers.get(9)).toEqual([
      FrameType.error,
      9,
      expect.objectContaining({ code: 'UNIMPLEMENTED', nodeId: 'conformance/0' }),
    ]);
    raw.close();
  });

  it('echoes out-of-band segments of every kind, aligned', async () => {
    const client = clientOf(target());
    const values = [
      Float32Array.from({ length: 300 }, (_, i) => i / 4),
      Float64Array.from({ length: 100 }, (_, i) => -i),
      Int16Array.from({ length: 999 }, (_, i) => i),
      BigInt64Array.from({ length: 70 }, (_, i) => BigInt(i) - 35n),
      new Uint8Array(513).fill(9),
    ];
    expect(await client.echo(values)).toEqual(values);
    expect(await client.echo(Buffer.alloc(1000, 3))).toEqual(Buffer.alloc(1000, 3));
  });

  it('sends no more stream items than the credit allows', async () => {
    const raw = await RawConnection.open(target().address);
    await raw.hello();
    raw.send([FrameType.call, 1, 'count', [100]]);
    for (let index = 0; index < 32; index++) {
      expect(await raw.next()).toEqual([FrameType.item, 1, index]);
    }
    // Another call answered on the same connection: no item came before its result.
    raw.send([FrameType.call, 2, 'echo', ['marker']]);
    expect(await raw.next()).toEqual([FrameType.result, 2, 'marker']);
    raw.send([FrameType.credit, 1, 3]);
    for (let index = 32; index < 35; index++) {
      expect(await raw.next()).toEqual([FrameType.item, 1, index]);
    }
    raw.send([FrameType.cancel, 1]);
    raw.send([FrameType.call, 3, 'echo', ['after']]);
    expect(await raw.next()).toEqual([FrameType.result, 3, 'after']);
    raw.close();
  });

  it('streams to the end through the client, and serves cancelled and late calls', async () => {
    const client = clientOf(target());
    const seen: number[] = [];
    for await (const value of client.count(70)) seen.push(value);
    expect(seen).toEqual(Array.from({ length: 70 }, (_, i) => i));
    const error = await lp
      .withOptions(client, { timeoutMs: 100 })
      .hang()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    const controller = new AbortController();
    const call = lp.withOptions(client, { signal: controller.signal }).hang();
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await client.echo('still serving')).toBe('still serving');
  });

  it('drops the connection on a malformed CALL', async () => {
    const raw = await RawConnection.open(target().address);
    await raw.hello();
    raw.send([FrameType.call, 'not-an-id', 'echo', [1]]);
    expect(await raw.next()).toBeUndefined();
  });
});
