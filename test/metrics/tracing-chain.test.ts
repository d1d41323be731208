/**
 * Tracing across nodes: with `tracing: true`, a call from the launcher through a → b → c
 * is one trace, whose spans (one client span per outgoing call, one server span per
 * handled call, each in the process that made it) are linked parent to child; a failing
 * call marks its spans ERROR with the error's code.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  finishedSpans,
  forgetSpans,
  makeChainProgram,
  type SpanRecord,
} from '../fixtures/tracing.ts';

const CLIENT = 2; // SpanKind.CLIENT

const launched: lp.RunningProgram[] = [];
afterEach(async () => {
  await Promise.all(launched.splice(0).map((running) => running.stop()));
  // The launcher's spans (and in-process nodes') stay in this process's exporter.
  forgetSpans();
});

// Every span of the launch: the launcher's own, and each node's, read through the node.
async function allSpans(
  running: lp.RunningProgram,
  nodes: lp.Handle<{ spans(): Promise<SpanRecord[]> }>[],
): Promise<SpanRecord[]> {
  const byId = new Map<string, SpanRecord>();
  const lists = [
    await finishedSpans(),
    ...(await Promise.all(nodes.map((node) => running.client(node).spans()))),
  ];
  for (const span of lists.flat()) byId.set(span.spanId, span);
  return [...byId.values()];
}

// The spans of the trace that `root` (a launcher client span) began, keyed by name/kind.
function traceOf(spans: SpanRecord[], root: SpanRecord): Map<string, SpanRecord> {
  const found = new Map<string, SpanRecord>();
  for (const span of spans) {
    if (span.traceId !== root.traceId) continue;
    const key = `${span.kind === CLIENT ? 'client' : 'server'} ${span.name}`;
    expect(found.has(key), `one span ${key}`).toBe(false);
    found.set(key, span);
  }
  return found;
}

function expectChild(child: SpanRecord | undefined, parent: SpanRecord | undefined): void {
  expect(child).toBeDefined();
  expect(parent).toBeDefined();
  expect(child?.parentSpanId).toBe(parent?.spanId);
}

describe('tracing across nodes', () => {
  it.each(['processes', 'threads', 'in-process'] as const)(
    'under %s: launcher → a → b → c is one trace, each span child of the one that caused it',
    async (launchType) => {
      const { program, a, nodes } = makeChainProgram();
      const running = lp.launch(program, { launchType, tracing: true, terminationGraceMs: 5_000 });
      launched.push(running);
      const client = running.client(a);

      expect(await client.work(1)).toBe(4);
      await expect(client.fail()).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });

      const spans = await allSpans(running, nodes);
      const roots = spans.filter(
        (span) => span.kind === CLIENT && span.attributes['launchpad.node.id'] === 'launcher',
      );
      const workRoot = roots.find((span) => span.name === 'a/0/work');
      const failRoot = roots.find((span) => span.name === 'a/0/fail');
      expect(workRoot?.parentSpanId).toBeUndefined();

      const work = traceOf(spans, workRoot!);
      expect([...work.keys()].sort()).toEqual([
        'client a/0/work',
        'client b/0/work',
        'client c/0/work',
        'server a/0/work',
        'server b/0/work',
        'server c/0/work',
      ]);
      expectChild(work.get('server a/0/work'), work.get('client a/0/work'));
      expectChild(work.get('client b/0/work'), work.get('server a/0/work'));
      expectChild(work.get('server b/0/work'), work.get('client b/0/work'));
      expectChild(work.get('client c/0/work'), work.get('server b/0/work'));
      expectChild(work.get('server c/0/work'), work.get('client c/0/work'));
      expect(work.get('client b/0/work')?.attributes).toEqual({
        'rpc.system': 'launchpad',
        'rpc.service': 'b/0',
        'rpc.method': 'work',
        'launchpad.node.id': 'a/0',
        'launchpad.peer.node.id': 'b/0',
        'launchpad.status_code': 'OK',
      });
      expect(work.get('server c/0/work')?.attributes).toMatchObject({
        'rpc.system': 'launchpad',
        'rpc.method': 'work',
        'launchpad.node.id': 'c/0',
        'launchpad.status_code': 'OK',
      });
      // A TCP caller names itself in its HELLO; a thread's port has no HELLO.
      if (launchType !== 'threads') {
        expect(work.get('server c/0/work')?.attributes['launchpad.peer.node.id']).toBe('b/0');
      }
      for (const span of work.values()) expect(span.error).toBe(false);

      const fail = traceOf(spans, failRoot!);
      expect(fail.size).toBe(6);
      expect(failRoot?.traceId).not.toBe(workRoot?.traceId);
      for (const span of fail.values()) {
        expect(span.error, span.name).toBe(true);
        expect(span.attributes['launchpad.status_code']).toBe('FAILED_PRECONDITION');
        expect(span.statusMessage).toMatch(/^FAILED_PRECONDITION: .*the leaf fails on purpose/);
      }
      expectChild(fail.get('server c/0/fail'), fail.get('client c/0/fail'));
    },
    60_000,
  );
});
