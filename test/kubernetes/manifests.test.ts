/**
 * Render mode, and the rendered manifests checked against the Kubernetes object schemas.
 * No schema package is available offline, so the check walks each object against the
 * models `@kubernetes/client-node` generates from the Kubernetes OpenAPI spec (their
 * `attributeTypeMap`: every field name and type), and checks required fields by hand.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { makeProgram } from '../../examples/consumer_producers/program.ts';
import { makeColocatedProgram } from '../fixtures/colocation.ts';
import { nodeDnsNames } from '../../src/launcher/backends/kubernetes/manifests.ts';
import { resolveClusterName } from './fake-api/cluster-dns.ts';
import { ObjectStore, type KubeObject } from './fake-api/object-store.ts';

interface Attribute {
  baseName: string;
  type: string;
}

/** The value at `path` inside `value`, or undefined. */
function dig(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
const models = k8s as unknown as Record<
  string,
  { getAttributeTypeMap?: () => Attribute[] } | undefined
>;

/** Problems of `value` against model type `type`, with the path of each. */
function schemaProblems(value: unknown, type: string, path: string): string[] {
  if (value === undefined || value === null) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array !== null) {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((item, index) =>
      schemaProblems(item, array[1] ?? '', `${path}[${String(index)}]`),
    );
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map !== null) {
    if (typeof value !== 'object') return [`${path}: expected a map`];
    return Object.entries(value).flatMap(([key, item]) =>
      schemaProblems(item, map[1] ?? '', `${path}.${key}`),
    );
  }
  if (type === 'string') return typeof value === 'string' ? [] : [`${path}: expected a string`];
  if (type === 'number') return typeof value === 'number' ? [] : [`${path}: expected a number`];
  if (type === 'boolean') return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
  if (type === 'IntOrString')
    return ['string', 'number'].includes(typeof value) ? [] : [`${path}: int or string`];
  const model = models[type]?.getAttributeTypeMap?.();
  if (model === undefined) return [];
  if (typeof value !== 'object') return [`${path}: expected a ${type}`];
  return Object.entries(value).flatMap(([key, item]) => {
    const attribute = model.find((a) => a.baseName === key);
    return attribute === undefined
      ? [`${path}.${key}: not a field of ${type}`]
      : schemaProblems(item, attribute.type, `${path}.${key}`);
  });
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Required fields and name rules the models do not encode. */
function requiredProblems(object: unknown): string[] {
  const problems: string[] = [];
  const name = dig(object, 'metadata', 'name');
  const kind = dig(object, 'kind');
  if (dig(object, 'apiVersion') !== 'v1') problems.push('apiVersion must be v1');
  if (typeof name !== 'string' || name.length > 63 || !DNS_LABEL.test(name)) {
    problems.push(`bad name ${JSON.stringify(name)}`);
  }
  if (kind === 'Pod') {
    const containers = dig(object, 'spec', 'containers');
    if (!Array.isArray(containers) || containers.length === 0)
      problems.push('a Pod needs containers');
    for (const container of Array.isArray(containers) ? (containers as unknown[]) : []) {
      const containerName = dig(container, 'name');
      const image = dig(container, 'image');
      if (typeof containerName !== 'string' || !DNS_LABEL.test(containerName))
        problems.push('container name');
      if (typeof image !== 'string' || image === '') problems.push('container image');
    }
    const host = dig(object, 'spec', 'hostname');
    if (typeof host !== 'string' || !DNS_LABEL.test(host))
      problems.push('hostname must be a DNS label');
  } else if (kind === 'Service') {
    if (dig(object, 'spec', 'clusterIP') !== 'None') problems.push('the Service must be headless');
  } else if (kind !== 'Secret') {
    problems.push(`unexpected kind ${JSON.stringify(kind)}`);
  }
  return problems;
}

/**
 * Renders `program` with the `kubernetes` launch type's render mode (nothing listens at
 * the cluster address: render mode must not call it) and returns the objects written.
 */
async function render(
  program: lp.Program,
  kubernetes: Omit<NonNullable<lp.LaunchOptions['kubernetes']>, 'cluster' | 'renderTo'>,
): Promise<unknown[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lp-render-'));
  try {
    const file = join(dir, 'program.yaml');
    await lp
      .launch(program, {
        launchType: 'kubernetes',
        kubernetes: { ...kubernetes, cluster: { server: 'http://127.0.0.1:9' }, renderTo: file },
      })
      .wait();
    return k8s.loadAllYaml(readFileSync(file, 'utf8')) as unknown[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Checks every object against its Kubernetes schema and required fields. */
function expectValid(objects: readonly unknown[]): void {
  for (const object of objects) {
    const kind = String(dig(object, 'kind'));
    expect(schemaProblems(object, `V1${kind}`, kind)).toEqual([]);
    expect(requiredProblems(object)).toEqual([]);
  }
}

describe('rendered Kubernetes manifests', () => {
  it('are written by render mode without any API call, and match the object schemas', async () => {
    const objects = await render(makeProgram(2), {
      workingDir: '/app',
      defaults: {
        image: 'registry.example/consumer:1',
        cpu: '500m',
        memory: '256Mi',
        env: { MODE: 'x' },
      },
      groups: { consumer: { gpus: 1, nodeSelector: { pool: 'gpu' } } },
    });
    expect(objects.map((o) => dig(o, 'kind'))).toEqual(['Secret', 'Service', 'Pod', 'Pod', 'Pod']);
    expectValid(objects);
    const consumer = objects.find(
      (o) => dig(o, 'metadata', 'annotations', 'launchpad-ts/node-id') === 'consumer/0',
    );
    expect(dig(consumer, 'spec', 'subdomain')).toBe(dig(objects[1], 'metadata', 'name'));
    expect(dig(consumer, 'spec', 'containers', 0, 'resources', 'limits')).toEqual({
      cpu: '500m',
      memory: '256Mi',
      'nvidia.com/gpu': '1',
    });
    // `node`, the nodes' package condition, then tsx (the test runs from the sources).
    expect(dig(consumer, 'spec', 'containers', 0, 'command', 1)).toBe(
      '--conditions=launchpad-ts-node',
    );
    expect(dig(consumer, 'spec', 'containers', 0, 'command', 3)).toBe('tsx');
    // The launch secret lives only in the Secret, referenced by the Pods.
    expect(JSON.stringify(objects.slice(2))).not.toContain('<secret>');
  });

  it('give a colocation one Pod, whose task gets every node’s bootstrap, and match the schemas', async () => {
    const objects = await render(makeColocatedProgram().program, { defaults: { image: 'app:1' } });
    expect(objects.map((o) => dig(o, 'kind'))).toEqual(['Secret', 'Service', 'Pod', 'Pod', 'Pod']);
    expectValid(objects);
    const threaded = objects.find(
      (o) => dig(o, 'metadata', 'annotations', 'launchpad-ts/node-id') === 'threaded/0,threaded/1',
    );
    expect(String(dig(threaded, 'spec', 'containers', 0, 'command', 4))).toMatch(/task-entry\.ts$/);
    expect(dig(threaded, 'spec', 'containers', 0, 'env', 0, 'name')).toBe('LP_COLOCATED_TASK');
    const secret = objects[0] as { stringData: Record<string, string> };
    const task = Object.values(secret.stringData)
      .map((value) => JSON.parse(value) as { kind?: string; bootstraps?: { nodeId: string }[] })
      .find((value) => value.kind === 'threads');
    expect(task?.bootstraps?.map((b) => b.nodeId)).toEqual(['threaded/0', 'threaded/1']);
  });

  it("give a Python node's Pod the interpreter on launchpad_ts, the package first on PYTHONPATH, and match the schemas", async () => {
    const program = new lp.Program('py-render');
    program.addNode(new lp.FunctionNode(() => undefined), 'ts');
    program.addNode(new lp.PythonNode('../python/fixtures/nodes.py', 'Echo'), 'learner');
    const objects = await render(program, {
      defaults: { image: 'app:1' },
      groups: { learner: { image: 'python-app:1', env: { PYTHONPATH: '/app/lib', MODE: 'x' } } },
    });
    expectValid(objects);
    const learner = objects.find(
      (o) => dig(o, 'metadata', 'annotations', 'launchpad-ts/node-id') === 'learner/0',
    );
    expect(dig(learner, 'spec', 'containers', 0, 'command')).toEqual([
      'python3',
      '-u',
      '-m',
      'launchpad_ts',
    ]);
    expect(dig(learner, 'spec', 'containers', 0, 'env')).toEqual([
      expect.objectContaining({ name: 'LP_BOOTSTRAP' }),
      { name: 'PYTHONPATH', value: 'python:/app/lib' },
      { name: 'MODE', value: 'x' },
    ]);
    const ts = objects.find(
      (o) => dig(o, 'metadata', 'annotations', 'launchpad-ts/node-id') === 'ts/0',
    );
    expect(dig(ts, 'spec', 'containers', 0, 'command', 0)).toBe('node');
  });

  it('give every Pod its own name and host name, even when labels clash or run long', async () => {
    const program = new lp.Program('a_program_name_long_enough_to_need_cutting_down');
    for (const label of ['learner_worker', 'learner-worker', 'Learner_Worker']) {
      program.addNode(new lp.FunctionNode(() => undefined), label);
    }
    const pods = (await render(program, { defaults: { image: 'app:1' } })).filter(
      (o) => dig(o, 'kind') === 'Pod',
    );
    const names = pods.map((pod) => String(dig(pod, 'metadata', 'name')));
    const hostnames = pods.map((pod) => String(dig(pod, 'spec', 'hostname')));
    expect(new Set(names).size).toBe(3);
    expect(new Set(hostnames).size).toBe(3);
    for (const name of [...names, ...hostnames]) {
      expect(name).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
    }
  });

  it('give each node the name its Pod gets from the headless Service, which the nodes advertise', async () => {
    const { program } = makeColocatedProgram();
    const objects = (await render(program, {
      namespace: 'research',
      defaults: { image: 'app:1' },
    })) as KubeObject[];
    const service = objects.find((o) => o.kind === 'Service')!;
    const pods = objects.filter((o) => o.kind === 'Pod');
    const launchId = String(service.metadata.labels?.['launchpad-ts/launch']);
    const advertised = nodeDnsNames(program, launchId, 'research');
    expect([...advertised.keys()].sort()).toEqual(program.nodes.map((node) => node.id).sort());
    // The cluster DNS of a headless Service, fed the rendered objects with running Pods.
    const store = new ObjectStore();
    for (const [index, object] of objects.entries()) {
      const running = { phase: 'Running', podIP: `10.0.0.${String(index)}` };
      store.add({
        ...object,
        metadata: { ...object.metadata, namespace: 'research' },
        ...(object.kind === 'Pod' ? { status: running } : {}),
      });
    }
    for (const pod of pods) {
      const nodeIds = String(
        pod.metadata['annotations'] === undefined
          ? ''
          : (pod.metadata['annotations'] as Record<string, string>)['launchpad-ts/node-id'],
      ).split(',');
      const name = `${String(pod.spec?.['hostname'])}.${String(pod.spec?.['subdomain'])}.research.svc`;
      for (const nodeId of nodeIds) expect(advertised.get(nodeId)).toBe(name);
      expect(name.length).toBeLessThanOrEqual(253);
      // Resolvable from any namespace, and from the Pods' own through its search path.
      expect(resolveClusterName(store, name, 'elsewhere')).toMatch(/^10\.0\.0\.\d+$/);
      expect(resolveClusterName(store, `${name}.cluster.local`, 'elsewhere')).toBe(
        resolveClusterName(store, name, 'x'),
      );
    }
  });

  it('the schema check itself catches unknown fields and wrong types', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'a' },
      spec: { containerz: [], restartPolicy: 3 },
    };
    expect(schemaProblems(pod, 'V1Pod', 'Pod')).toEqual([
      'Pod.spec.containerz: not a field of V1PodSpec',
      'Pod.spec.restartPolicy: expected a string',
    ]);
  });
});
