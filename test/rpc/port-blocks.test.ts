/**
 * Large frames between threads in memory given back: the sender encodes a later frame
 * into a buffer only once the receiver recycled it (which moves it back, leaving the
 * receiver's views empty), so a view still held is never overwritten. Ordered by counts
 * and messages, never by time.
 */
import { MessageChannel } from 'node:worker_threads';
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PORT_BLOCKS, PORT_BLOCK_FROM_BYTES } from '../../src/rpc/port-blocks.ts';
import { PortConnection } from '../../src/rpc/port-connection.ts';
import { FrameType, type Frame } from '../../src/rpc/protocol.ts';

const FLOATS = (2 * PORT_BLOCK_FROM_BYTES) / 4;
const MAX_BYTES = 64 * 1024 * 1024;
const channels: MessageChannel[] = [];

afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

/** A sender and a receiver over one MessageChannel; `next()` is the next frame's array. */
function pair(): {
  sender: PortConnection;
  receiver: PortConnection;
  next: () => Promise<Float32Array>;
} {
  const channel = new MessageChannel();
  channels.push(channel);
  const arrived: Float32Array[] = [];
  const waiting: ((value: Float32Array) => void)[] = [];
  const events = { onClose: () => undefined };
  const sender = new PortConnection(
    channel.port1,
    { ...events, onFrame: () => undefined },
    MAX_BYTES,
  );
  const receiver = new PortConnection(
    channel.port2,
    {
      ...events,
      onFrame: (frame: Frame) => {
        const value = (frame as unknown as [number, number, Float32Array])[2];
        const resolve = waiting.shift();
        if (resolve === undefined) arrived.push(value);
        else resolve(value);
      },
    },
    MAX_BYTES,
  );
  const next = (): Promise<Float32Array> =>
    new Promise((resolve) => {
      const value = arrived.shift();
      if (value === undefined) waiting.push(resolve);
      else resolve(value);
    });
  return { sender, receiver, next };
}

const send = (sender: PortConnection, fill: number): void => {
  sender.send([FrameType.result, fill, new Float32Array(FLOATS).fill(fill)] as unknown as Frame);
};

// Turns the event loop until the sender has had `count` blocks back (bounded).
async function returnedCount(sender: PortConnection, count: number): Promise<number> {
  for (let turn = 0; turn < 1_000 && sender.blockCounts.returned < count; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sender.blockCounts.returned;
}

const allEqual = (values: Float32Array, fill: number): boolean =>
  values.length === FLOATS && values.every((value) => value === fill);

describe('blocks lent over a MessagePort', () => {
  it('reuses the block the receiver recycled, and never a held one', async () => {
    const { sender, next } = pair();
    send(sender, 1);
    const held = await next();
    for (let fill = 2; fill <= 11; fill++) {
      send(sender, fill);
      const value = await next();
      expect(allEqual(value, fill)).toBe(true);
      expect(lp.recycle(value)).toBe(true);
      expect(value.length).toBe(0); // moved back: empty, never overwritten
      expect(await returnedCount(sender, fill - 1)).toBe(fill - 1);
    }
    // The held frame's buffer and one more, reused by the 9 frames after it.
    expect(sender.blockCounts).toEqual({ allocated: 2, reused: 9, returned: 10 });
    expect(allEqual(held, 1)).toBe(true);
  });

  it('moves a frame marked recycleOnceSent back once it is sent on', async () => {
    const { sender, receiver, next } = pair();
    send(sender, 1);
    const value = await next();
    receiver.send([FrameType.result, 1, lp.recycleOnceSent(value)] as unknown as Frame);
    expect(value.length).toBe(0); // copied into the reply, then moved back
    expect(await returnedCount(sender, 1)).toBe(1);
  });

  it('sends in fresh memory while nothing was given back, and overwrites no held frame', async () => {
    const { sender, next } = pair();
    const held: Float32Array[] = [];
    for (let fill = 1; fill <= MAX_PORT_BLOCKS + 3; fill++) {
      send(sender, fill);
      held.push(await next());
    }
    expect(sender.blockCounts).toEqual({ allocated: MAX_PORT_BLOCKS + 3, reused: 0, returned: 0 });
    held.forEach((value, index) => {
      expect(allEqual(value, index + 1)).toBe(true);
    });
  });
});
