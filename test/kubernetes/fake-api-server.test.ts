/**
 * The fake API server behaves like the real one where the launcher depends on it:
 * resourceVersions, watches that resume, end and answer 410 Gone, graceful deletion,
 * refusals as Status objects, and the DNS records of a headless Service.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeApiServer, type FakeApiServer } from './fake-api-server.ts';
import { resolveClusterName } from './fake-api/cluster-dns.ts';
import { ObjectStore } from './fake-api/object-store.ts';
import { until } from './until.ts';

let fake: FakeApiServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const PODS = '/api/v1/namespaces/ns/pods';

function pod(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'a' } },
    spec: { containers: [{ name: 'node', image: 'node:20', command: ['true'] }], ...extra },
  };
}

/** The fields of an answer these tests read. */
interface Answer {
  readonly metadata?: { readonly name?: string; readonly resourceVersion?: string };
  readonly items?: Answer[];
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
}

async function call(
  server: FakeApiServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Answer }> {
  const response = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Answer };
}

/** Reads a watch to its end, returning its events' types and names. */
async function readWatch(server: FakeApiServer, query: string): Promise<string[]> {
  const response = await fetch(`${server.url}${PODS}?watch=true&${query}`);
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const event = JSON.parse(line) as { type: string; object: Answer };
      return `${event.type} ${String(event.object.metadata?.name ?? event.object.code)}`;
    });
}

describe('the fake Kubernetes API server', () => {
  it('stamps resourceVersions, resumes watches from one, ends them, and answers 410 once compacted', async () => {
    fake = await startFakeApiServer({ startPod: () => 'hold', watchTimeoutMs: 200 });
    const a = await call(fake, 'POST', PODS, pod('a'));
    const list = await call(fake, 'GET', `${PODS}?labelSelector=app%3Da`);
    await call(fake, 'POST', PODS, pod('b'));
    expect(Number(list.json.metadata?.resourceVersion)).toBeGreaterThanOrEqual(
      Number(a.json.metadata?.resourceVersion),
    );
    expect(list.json.items?.map((p) => p.metadata?.name)).toEqual(['a']);
    // Resumed from the list's version, the watch sends only what came after, then ends.
    expect(
      await readWatch(fake, `resourceVersion=${String(list.json.metadata?.resourceVersion)}`),
    ).toEqual(['ADDED b']);
    // With no version, the current state comes as ADDED events.
    expect(await readWatch(fake, 'labelSelector=app%3Da')).toEqual(['ADDED a', 'ADDED b']);
    fake.compact();
    expect(
      await readWatch(fake, `resourceVersion=${String(list.json.metadata?.resourceVersion)}`),
    ).toEqual(['ERROR 410']);
  });

  it('deletes a running Pod gracefully, and refuses with the API’s Status objects', async () => {
    fake = await startFakeApiServer({ startPod: () => 'pretend', watchTimeoutMs: 10_000 });
    await call(fake, 'POST', PODS, pod('a'));
    await until(() => fake!.pods()[0]?.status?.['phase'] === 'Running', 'the Pod to run');
    const watched = readWatch(fake, 'resourceVersion=1');
    const deleted = await call(fake, 'DELETE', `${PODS}/a`);
    expect(deleted.status).toBe(200);
    await until(() => fake!.objects().length === 0, 'the Pod to go');
    fake.endWatches();
    const events = await watched;
    expect(events.slice(-3)).toEqual(['MODIFIED a', 'MODIFIED a', 'DELETED a']);

    const again = await call(fake, 'POST', PODS, pod('b'));
    expect(again.status).toBe(201);
    expect((await call(fake, 'POST', PODS, pod('b'))).json).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
    });
    expect((await call(fake, 'POST', PODS, pod('Bad_Name'))).json).toMatchObject({
      code: 422,
      reason: 'Invalid',
    });
    fake.inject({ verb: 'create', plural: 'pods', code: 403 });
    const refused = (await call(fake, 'POST', PODS, pod('c'))).json;
    expect(refused).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(refused.message).toMatch(/^pods "c" is forbidden: User/);
    expect((await call(fake, 'POST', PODS, pod('c'))).status).toBe(201);
  });

  it('resolves only the names a headless Service gives its Pods', () => {
    const store = new ObjectStore();
    const running = {
      phase: 'Running',
      podIP: '10.0.0.7',
      conditions: [{ type: 'Ready', status: 'True' }],
    };
    store.add({
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns', labels: { app: 'a' } },
      spec: { hostname: 'h', subdomain: 's' },
      status: running,
    });
    store.add({
      kind: 'Service',
      metadata: { name: 's', namespace: 'ns' },
      spec: { clusterIP: 'None', selector: { app: 'a' } },
    });
    expect(resolveClusterName(store, 'h.s.ns.svc', 'other')).toBe('10.0.0.7');
    expect(resolveClusterName(store, 'h.s.ns.svc.cluster.local', 'other')).toBe('10.0.0.7');
    expect(resolveClusterName(store, 'h.s', 'ns')).toBe('10.0.0.7');
    expect(resolveClusterName(store, 'h.s', 'other')).toBeUndefined();
    expect(resolveClusterName(store, 'p', 'ns')).toBeUndefined();
    expect(resolveClusterName(store, 'p.s.ns.svc', 'ns')).toBeUndefined();
  });
});
