/**
 * The RPC layer's side of tracing, without OpenTelemetry: a recording `CallTracing`
 * stands in for it. An untraced call sends a four-element CALL frame and the server sees
 * no trace context; a traced one carries its carrier; each span ends once, with its
 * call's code, a streamed answer's span when the stream ends. Also the option's checks
 * and the error for a missing `@opentelemetry/api`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as lp from 'launchpad-ts';
import { serviceDispatch } from '../../src/model/service-dispatch.ts';
import { ClientCall } from '../../src/rpc/client-call.ts';
import type { FrameChannel } from '../../src/rpc/frame-channel.ts';
import { Peer } from '../../src/rpc/peer.ts';
import type { Frame } from '../../src/rpc/protocol.ts';
import { RpcClient } from '../../src/rpc/rpc-client.ts';
import { RpcServer } from '../../src/rpc/server.ts';
import { createClient } from '../../src/rpc/typed-client.ts';
import type { CallTracing, TraceCarrier } from '../../src/metrics/call-tracing.ts';
import { loadCallTracing } from '../../src/metrics/load-call-tracing.ts';
import { resolveTracingOption } from '../../src/launcher/options/tracing-option.ts';

const SECRET = 'trace-secret';
const CARRIER: TraceCarrier = {
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
};

interface Ended {
  readonly side: 'client' | 'server';
  readonly name: string;
  readonly code: string | undefined;
}

// Records what the RPC layer asks of tracing.
class RecordingTracing implements CallTracing {
  readonly carriers: unknown[] = [];
  readonly ended: Ended[] = [];
  readonly #carrier: TraceCarrier | undefined;
  #onEnd: ((ended: Ended) => void) | undefined;

  constructor(carrier?: TraceCarrier) {
    this.#carrier = carrier;
  }

  client(callee: string, method: string) {
    return {
      carrier: this.#carrier,
      end: (code?: string) => {
        this.#record({ side: 'client', name: `${callee}/${method}`, code });
      },
    };
  }

  server(method: string, carrier: unknown) {
    this.carriers.push(carrier);
    return {
      run: <T>(handler: () => T): T => handler(),
      end: (code?: string) => {
        this.#record({ side: 'server', name: method, code });
      },
    };
  }

  // Resolves at the next span end (an event, not a poll).
  nextEnd(): Promise<Ended> {
    return new Promise((resolve) => {
      this.#onEnd = resolve;
    });
  }

  #record(ended: Ended): void {
    this.ended.push(ended);
    this.#onEnd?.(ended);
    this.#onEnd = undefined;
  }
}

class Service {
  echo(value: string): string {
    return value;
  }

  fail(): never {
    throw new lp.LaunchpadError('FAILED_PRECONDITION', 'nothing here');
  }

  async *count(n: number): AsyncGenerator<number> {
    await Promise.resolve(); // a producer that awaits, as real ones do
    for (let i = 0; i < n; i++) yield i;
  }

  async *broken(): AsyncGenerator<number> {
    yield 1;
    await Promise.resolve();
    throw new lp.LaunchpadError('RESOURCE_EXHAUSTED', 'the producer broke');
  }
}

const open: { close(): unknown }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

async function serveTraced(serverTracing: RecordingTracing) {
  const server = await RpcServer.listen({
    secret: SECRET,
    nodeId: 'svc/0',
    dispatch: serviceDispatch(new Service(), 'svc/0'),
    tracing: serverTracing,
  });
  open.push(server);
  return (clientTracing?: RecordingTracing) => {
    const peer = new Peer('svc/0', {
      secret: SECRET,
      callerId: 'caller/0',
      resolver: { resolve: () => Promise.resolve(server.address) },
      maxMessageBytes: 1024 ** 2,
      ...(clientTracing === undefined ? {} : { tracing: clientTracing }),
    });
    open.push(peer);
    return createClient<Service>(new RpcClient(peer, {}));
  };
}

// A channel that keeps what is sent on it.
function recordingChannel(): FrameChannel & { frames: Frame[] } {
  const frames: Frame[] = [];
  return {
    frames,
    closed: false,
    send: (frame) => frames.push(frame),
    flush: () => undefined,
    close: () => undefined,
    lastReceivedBytes: 0,
    lastSentBytes: 0,
  };
}

describe('the CALL frame', () => {
  const settle = { resolve: () => undefined, reject: () => undefined };

  it('has four elements when the call is not traced', () => {
    const channel = recordingChannel();
    new ClientCall(7, 'echo', new Map()).start(channel, ['x'], settle);
    expect(channel.frames).toEqual([[3, 7, 'echo', ['x']]]);
  });

  it("carries the span's trace context as a fifth element when it is", () => {
    const channel = recordingChannel();
    const span = new RecordingTracing(CARRIER).client('svc/0', 'echo');
    new ClientCall(7, 'echo', new Map()).start(channel, ['x'], settle, span);
    expect(channel.frames).toEqual([[3, 7, 'echo', ['x'], CARRIER]]);
  });

  it('reaches the server: none from an untraced caller, the carrier from a traced one', async () => {
    const serverTracing = new RecordingTracing();
    const connect = await serveTraced(serverTracing);
    expect(await connect().echo('a')).toBe('a');
    expect(await connect(new RecordingTracing(CARRIER)).echo('b')).toBe('b');
    expect(serverTracing.carriers).toEqual([undefined, CARRIER]);
  });
});

describe('span ends', () => {
  it('a call ends both spans once, OK or with its error code', async () => {
    const serverTracing = new RecordingTracing();
    const clientTracing = new RecordingTracing(CARRIER);
    const client = (await serveTraced(serverTracing))(clientTracing);
    await client.echo('a');
    await expect(client.fail()).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect(clientTracing.ended).toEqual([
      { side: 'client', name: 'svc/0/echo', code: undefined },
      { side: 'client', name: 'svc/0/fail', code: 'FAILED_PRECONDITION' },
    ]);
    expect(serverTracing.ended).toEqual([
      { side: 'server', name: 'echo', code: undefined },
      { side: 'server', name: 'fail', code: 'FAILED_PRECONDITION' },
    ]);
  });

  it("a streamed answer's server span ends with its stream: at its end, its error, or a cancel", async () => {
    const serverTracing = new RecordingTracing();
    const client = (await serveTraced(serverTracing))(new RecordingTracing(CARRIER));

    // More values than the first credit: the producer cannot finish before they are read.
    let read = 0;
    for await (const value of client.count(100)) {
      if (read === 0) expect(serverTracing.ended).toEqual([]);
      expect(value).toBe(read++);
    }
    expect(read).toBe(100);
    expect(serverTracing.ended).toEqual([{ side: 'server', name: 'count', code: undefined }]);

    await expect(
      (async () => {
        const seen: number[] = [];
        for await (const value of client.broken()) seen.push(value);
      })(),
    ).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(serverTracing.ended.at(-1)).toEqual({
      side: 'server',
      name: 'broken',
      code: 'RESOURCE_EXHAUSTED',
    });

    const cancelled = serverTracing.nextEnd();
    for await (const _ of client.count(1_000)) break;
    expect(await cancelled).toEqual({ side: 'server', name: 'count', code: 'CANCELLED' });
  });
});

describe('turning tracing on', () => {
  it('reads LP_TRACING when the option is absent, and refuses a value it does not know', () => {
    expect(resolveTracingOption(undefined, {})).toBe(false);
    expect(resolveTracingOption(undefined, { LP_TRACING: '1' })).toBe(true);
    expect(resolveTracingOption(false, { LP_TRACING: '1' })).toBe(false);
    expect(() => resolveTracingOption(undefined, { LP_TRACING: 'yes' })).toThrow(
      /Expected LP_TRACING to be 1 \(trace calls\) or 0 \(do not\), got "yes"/,
    );
  });

  it('refuses a launch option that is not a boolean, naming it', () => {
    const program = new lp.Program('p');
    program.addNode(new lp.ServiceNode(Service), 'svc');
    expect(() =>
      lp.launch(program, { launchType: 'in-process', tracing: 'yes' as unknown as boolean }),
    ).toThrow(/tracing/);
  });

  it('names the package to install when @opentelemetry/api is missing', async () => {
    const missing = Object.assign(
      new Error("Cannot find package '@opentelemetry/api' imported from /x/otel-call-tracing.js"),
      { code: 'ERR_MODULE_NOT_FOUND' },
    );
    await expect(loadCallTracing('learner/0', () => Promise.reject(missing))).rejects.toThrow(
      /Tracing is on .* learner\/0 cannot load the package @opentelemetry\/api, which is not installed\. Install it/,
    );
    await expect(loadCallTracing('learner/0', () => Promise.reject(missing))).rejects.toMatchObject(
      { code: 'FAILED_PRECONDITION' },
    );
  });
});
