/**
 * What must not cross a boundary: arguments that cannot reach another process, and
 * connections without the launch's secret; and calls that must end when their callee
 * never comes up.
 */
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { LOCAL_LAUNCH_TYPES } from '../helpers/launch-types.ts';
import { AddressBook } from '../../src/launcher/session/address-book.ts';
import { decode, encode } from '../../src/rpc/codec.ts';
import { Peer } from '../../src/rpc/peer.ts';
import { FrameType } from '../../src/rpc/protocol.ts';
import { RpcServer } from '../../src/rpc/server.ts';
import { NeverUp } from '../fixtures/blocking.ts';
import { Echo } from '../fixtures/services.ts';

class Holder {
  constructor(readonly config: unknown) {}
}

class Widget {
  size = 1;
  grow(): void {
    this.size++;
  }
}

describe.each(LOCAL_LAUNCH_TYPES)('arguments under %s', (launchType) => {
  const launchWith = (config: unknown): void => {
    const program = new lp.Program('arguments');
    program.addNode(new lp.ServiceNode(Holder, config), 'holder');
    lp.launch(program, { launchType });
  };

  it('refuses a function, naming the node and the argument path', () => {
    expect(() => {
      launchWith({ callbacks: [1, () => 2] });
    }).toThrow(/Node holder\/0 \(Holder\): argument args\[0\]\.callbacks\[1\] is a function/);
  });

  it('refuses a class instance with methods', () => {
    expect(() => {
      launchWith({ widget: new Widget() });
    }).toThrow(
      /argument args\[0\]\.widget is an instance of class Widget, which cannot cross a process boundary/,
    );
  });

  it('refuses a socket', () => {
    const socket = connect({ port: 9, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    try {
      expect(() => {
        launchWith({ socket });
      }).toThrow(/args\[0\]\.socket is an instance of class Socket/);
    } finally {
      socket.destroy();
    }
  });

  it('refuses a circular value and a handle of another program', () => {
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    expect(() => {
      launchWith(loop);
    }).toThrow(/args\[0\]\.self is circular/);
    const other = new lp.Program('other');
    const foreign = other.addNode(new lp.ServiceNode(Echo), 'echo');
    expect(() => {
      launchWith([foreign]);
    }).toThrow(/args\[0\]\[0\] is a handle to echo\/0 of another program/);
  });
});

describe('the launch secret', () => {
  const dispatch = (): string => 'answer';

  it('refuses a connection that presents the wrong secret, and serves the right one', async () => {
    const server = await RpcServer.listen({ secret: 'right', nodeId: 'guarded/0', dispatch });
    try {
      const book = new AddressBook(['guarded/0']);
      book.register('guarded/0', server.address);
      const intruder = new Peer('guarded/0', {
        secret: 'wrong',
        callerId: 'test',
        resolver: book,
        maxMessageBytes: 1e6,
      });
      const error: unknown = await intruder.call('anything', [], {}).catch((e: unknown) => e);
      expect(lp.isLaunchpadError(error, 'UNAUTHENTICATED')).toBe(true);
      expect((error as Error).message).toContain(
        "node guarded/0 refused: it did not present this launch's secret",
      );
      const friend = new Peer('guarded/0', {
        secret: 'right',
        callerId: 'test',
        resolver: book,
        maxMessageBytes: 1e6,
      });
      expect(await friend.call('anything', [], {})).toBe('answer');
      intruder.close();
      friend.close();
    } finally {
      await server.close();
    }
  });

  it('refuses a raw connection that calls without saying hello first', async () => {
    const server = await RpcServer.listen({ secret: 'right', nodeId: 'guarded/0', dispatch });
    try {
      const [host, port] = server.address.split(':');
      const socket = connect({ host: host!, port: Number(port) });
      const received: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      await new Promise((resolve) => socket.once('connect', resolve));
      const body = encode([FrameType.call, 1, 'anything', []]);
      const header = Buffer.alloc(4);
      header.writeUInt32BE(body.length);
      socket.write(Buffer.concat([header, body]));
      await new Promise((resolve) => socket.once('close', resolve));
      const reply = decode(Buffer.concat(received).subarray(4)) as unknown[];
      expect(reply[0]).toBe(FrameType.refused);
      expect(reply).not.toContain('answer');
    } finally {
      await server.close();
    }
  });
});

describe('a callee that never comes up', () => {
  it('fails a waiting call with UNAVAILABLE naming the node, at its deadline', async () => {
    const book = new AddressBook(['ghost/0']);
    const peer = new Peer('ghost/0', {
      secret: 's',
      callerId: 'test',
      resolver: book,
      maxMessageBytes: 1e6,
    });
    const error: unknown = await peer
      .call('hello', [], { connectTimeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(
      /^Node ghost\/0 is unavailable: call ghost\/0\.hello\(\) waited for it/,
    );
    peer.close();
  });

  it('ends each waiting call at its own deadline, even while another call waits longer', async () => {
    const book = new AddressBook(['ghost/0']);
    const peer = new Peer('ghost/0', {
      secret: 's',
      callerId: 'test',
      resolver: book,
      maxMessageBytes: 1e6,
    });
    const patient = peer.call('hello', [], { connectTimeoutMs: 60_000 }).catch((e: unknown) => e);
    const outcome = await Promise.race([
      peer.call('hello', [], { timeoutMs: 200 }).catch((e: unknown) => e),
      patient.then(() => 'the patient call ended first'),
    ]);
    expect(lp.isLaunchpadError(outcome, 'UNAVAILABLE')).toBe(true);
    peer.close();
    await patient;
  });

  it('under processes, rejects calls to a node stuck in its constructor within the deadline', async () => {
    const program = new lp.Program('stuck');
    const stuck = program.addNode(new lp.ServiceNode(NeverUp), 'stuck');
    await using running = lp.launch(program, { launchType: 'processes', terminationGraceMs: 0 });
    const error: unknown = await running
      .client(stuck, { connectTimeoutMs: 1_500 })
      .hello()
      .catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('Node stuck/0 is unavailable');
  });

  it('rejects calls to a node that stopped, instead of hanging', async () => {
    const program = new lp.Program('stopped');
    const echo = program.addNode(new lp.ServiceNode(Echo), 'echo');
    const running = lp.launch(program, { launchType: 'in-process' });
    const client = running.client(echo);
    expect(await client.add(1, 1)).toBe(2);
    await running.stop();
    const error: unknown = await client.add(1, 1).catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'UNAVAILABLE')).toBe(true);
  });
});

class LocalOnly {
  hello(): string {
    return 'hello';
  }
}

// Every launch type refuses it the same way, in-process included: a suite that runs
// in-process must not pass with code that a real launch refuses.
it.each(LOCAL_LAUNCH_TYPES)(
  'under %s, says how to fix a node class that no module exports',
  async (launchType) => {
    const program = new lp.Program('unexported');
    program.addNode(new lp.ServiceNode(LocalOnly), 'local');
    const running = lp.launch(program, { launchType, stderr: new PassThrough() });
    const error: unknown = await running.wait().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^Node local\/0: class LocalOnly is not exported from .*boundaries\.test\.ts\. A node process reaches code only through module exports: export it \(`export class LocalOnly`\)\.$/,
    );
  },
);
