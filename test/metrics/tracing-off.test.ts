/**
 * Tracing off costs nothing: a node process of an untraced launch never resolves
 * `@opentelemetry/api` (a resolve hook preloaded into it records every specifier; with
 * tracing on the same node does resolve it, so the check can fail), and an untraced
 * call's CALL frame has its four elements only, with no trace context.
 */
import * as lp from 'launchpad-ts';
import { afterEach, describe, expect, it } from 'vitest';
import { makeReporterProgram } from '../fixtures/untraced.ts';

const launched: lp.RunningProgram[] = [];
afterEach(async () => {
  await Promise.all(launched.splice(0).map((running) => running.stop()));
});

const RESOLVED_KEY = "Symbol.for('launchpad-ts.test.resolved')";

// A module hook that posts every specifier it resolves to the main thread.
const HOOK = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  port.postMessage(specifier);
  return next(specifier, context);
}`;

// Preloaded with --import before anything else: collects the hook's reports in a global.
const PRELOAD = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const resolved = new Set();
globalThis[${RESOLVED_KEY}] = resolved;
const { port1, port2 } = new MessageChannel();
port1.on('message', (specifier) => resolved.add(specifier));
port1.unref();
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)}, {
  data: { port: port2 },
  transferList: [port2],
});`;

const RECORDING: lp.LocalResources = {
  nodeFlags: ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`],
};

async function resolvedByNodes(tracing: boolean): Promise<string[]> {
  const { program, front, back } = makeReporterProgram();
  const running = lp.launch(program, {
    launchType: 'processes',
    tracing,
    resources: { front: RECORDING, back: RECORDING },
    terminationGraceMs: 5_000,
  });
  launched.push(running);
  // front calls back, so both have served and made calls before they report.
  expect(await running.client(front).ping()).toBe('pong');
  const lists = await Promise.all([
    running.client(front).resolved(),
    running.client(back).resolved(),
  ]);
  for (const list of lists) expect(list, 'the preloaded hook ran').toBeDefined();
  return lists.flatMap((list) => list ?? []);
}

describe('tracing off', () => {
  it('a node process never loads @opentelemetry/api; with tracing on, it does', async () => {
    const off = await resolvedByNodes(false);
    expect(off.some((specifier) => specifier.includes('launchpad-ts'))).toBe(true);
    expect(off.filter((specifier) => specifier.includes('@opentelemetry'))).toEqual([]);

    const on = await resolvedByNodes(true);
    expect(on).toContain('@opentelemetry/api');
  }, 60_000);
});
