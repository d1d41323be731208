/**
 * The package as a user gets it: packed, installed into a fresh project with an ordinary
 * strict tsconfig.json, compiled with tsc, run with plain `node` under `processes` and
 * `threads`, and run as a TypeScript entry with tsx once the user installs it; its
 * `launchpad-ts` command draws the program's graph from the compiled and the TypeScript
 * entry.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/scripts.ts';

const PROGRAM = `import * as lp from 'launchpad-ts';

export class Producer {
  work(x: number): number {
    return x * 10;
  }
}

export class Consumer {
  constructor(private readonly producers: lp.Client<Producer>[]) {}
  async run(): Promise<void> {
    const results = await Promise.all(this.producers.map((p, i) => p.work(i)));
    console.log('Results:', JSON.stringify(results));
    lp.stop();
  }
}

export function makeProgram(count: number): lp.Program {
  const program = new lp.Program('installed');
  const producers = program.group('producer', () =>
    Array.from({ length: count }, () => program.addNode(new lp.ServiceNode(Producer))),
  );
  program.addNode(new lp.ServiceNode(Consumer, producers), 'consumer');
  return program;
}
`;

const MAIN = `import * as lp from 'launchpad-ts';
import { makeProgram } from './program.js';

await lp.launch(makeProgram(3)).wait();
`;

const TSCONFIG = {
  compilerOptions: { module: 'nodenext', strict: true, outDir: 'out' },
  include: ['*.ts'],
};

const children = new Set<ChildProcess>();

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (bounded), keeping its output. */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      // A user's shell: no test-only package conditions.
      {
        cwd,
        timeout: 180_000,
        maxBuffer: 16 << 20,
        env: { ...process.env, NODE_OPTIONS: '', ...env },
      },
      (error, stdout, stderr) => {
        children.delete(child);
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
    children.add(child);
  });
}

let project = '';
let tarball = '';
let compiled: Run | undefined;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'lp-installed-'));
  const packed = await run('npm', ['pack', '--pack-destination', project], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  tarball = readdirSync(project).find((file) => file.endsWith('.tgz')) ?? '';
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'user-project', private: true, type: 'module' }),
  );
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  writeFileSync(join(project, 'program.ts'), PROGRAM);
  writeFileSync(join(project, 'main.ts'), MAIN);
  // The same TypeScript and Node types the repository builds with, from npm's cache.
  const installed = await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      `./${tarball}`,
      'typescript@~5.9.3',
      '@types/node@^20.19.0',
    ],
    project,
  );
  expect(installed.code, installed.stderr).toBe(0);
  compiled = await run('npx', ['tsc', '-p', '.'], project);
}, 300_000);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

describe('the packed package, installed into a fresh project', () => {
  it('ships its compiled dist and sources, not its tests or benchmarks', async () => {
    const listed = await run('tar', ['-tzf', tarball], project);
    const files = listed.stdout.split('\n').filter((line) => line !== '');
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/dist/replay/index.d.ts');
    // Two bundles (README, Development): the launcher's chunks, and a node's one file with
    // the license of msgpackr, whose JavaScript it holds.
    expect(files.some((file) => /^package\/dist\/bundle\/chunk-\w+\.js$/.test(file))).toBe(true);
    expect(files).toContain('package/dist/node-bundle/node-side.js');
    expect(files).toContain('package/dist/node-bundle/msgpackr.LICENSE');
    expect(files).not.toContain('package/dist/node-side.d.ts');
    // The Python side of Python nodes, which the launcher puts on PYTHONPATH; not its tests.
    expect(files).toContain('package/python/launchpad_ts/__main__.py');
    expect(files.filter((file) => /^package\/python\/tests\/|__pycache__/.test(file))).toEqual([]);
    expect(files.filter((file) => /^package\/(test|bench|examples|scripts)\//.test(file))).toEqual(
      [],
    );
  });

  it('compiles with a strict tsconfig and runs with plain node under processes and threads', async () => {
    expect(compiled?.stdout).toBe('');
    expect(compiled?.stderr).toBe('');
    expect(compiled?.code).toBe(0);
    for (const launchType of ['processes', 'threads']) {
      const ran = await run('node', ['out/main.js', `--lp_launch_type=${launchType}`], project);
      expect(ran.stderr).not.toMatch(/Error/);
      expect(ran.stdout).toContain('[consumer/0] Results: [0,10,20]');
      expect(ran.code).toBe(0);
    }
  }, 300_000);

  it("maps the library's own stack frames to its src/ files in node processes and threads", async () => {
    writeFileSync(
      join(project, 'breaks.js'),
      `import * as lp from 'launchpad-ts';
export function breaks() { throw new Error('the worker broke'); }
lp.main(async () => {
  const program = new lp.Program('breaks');
  program.addNode(new lp.FunctionNode(breaks), 'worker');
  await lp.launch(program).wait();
});
`,
    );
    for (const launchType of ['processes', 'threads']) {
      const ran = await run('node', ['breaks.js', `--lp_launch_type=${launchType}`], project);
      expect(ran.code).toBe(1);
      // The node's stack, carried in NODE_FAILED: the library's frames name src/*.ts.
      expect(ran.stderr).toMatch(
        /at .*node_modules\/launchpad-ts\/src\/node\/node-runner\.ts:\d+:\d+/,
      );
      expect(ran.stderr).not.toMatch(
        /^\s+at .*launchpad-ts\/dist\/(bundle\/chunk-\w+|node-bundle\/node-side)\.js:\d+/m,
      );
      // The uncaught error prints under its class's own name, as the bundle keeps it.
      expect(ran.stderr).toContain(
        '[LaunchpadError: Node worker/0 failed: Error: the worker broke',
      );
      expect(ran.stderr).not.toContain('_LaunchpadError');
    }
    // A stack dump (sampled through the inspector, positions as they ran) is mapped too.
    writeFileSync(
      join(project, 'dump.js'),
      `import * as lp from 'launchpad-ts';
export class Spinner { run() { for (;;); } }
lp.main(async () => {
  const program = new lp.Program('dump');
  program.addNode(new lp.ServiceNode(Spinner), 'spin');
  const running = lp.launch(program, { terminationGraceMs: 500 });
  await running.ready;
  // Until the dump catches run() spinning (it starts once the node serves).
  for (let tries = 0; tries < 100; tries++) {
    const dump = await running.stackDump('spin/0');
    if (/ run /.test(dump)) { console.log(dump); break; }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await running.stop();
});
`,
    );
    for (const launchType of ['processes', 'threads']) {
      const ran = await run('node', ['dump.js', `--lp_launch_type=${launchType}`], project);
      expect(ran.stdout).toMatch(/ file:\/\/.*\/launchpad-ts\/src\/node\/node-runner\.ts:\d+:\d+/);
      expect(ran.stdout).not.toContain('dist/bundle/chunk-');
      expect(ran.stdout).not.toContain('dist/node-bundle/');
    }
  }, 120_000);

  it("loads msgpackr's native decoder in a node process once a large frame arrives", async () => {
    // The node's one file holds msgpackr's JavaScript; its native addon stays a package,
    // loaded from that file's place when the first large frame is decoded.
    expect(readdirSync(join(project, 'node_modules'))).toContain('msgpackr-extract');
    writeFileSync(
      join(project, 'native.js'),
      `import * as lp from 'launchpad-ts';
import { readFileSync } from 'node:fs';
export class Echo {
  echo(value) { return value; }
  mapped() { return readFileSync('/proc/self/maps', 'utf8').includes('msgpackr-extract'); }
}
lp.main(async () => {
  const program = new lp.Program('native');
  const echo = program.addNode(new lp.ServiceNode(Echo), 'echo');
  const running = lp.launch(program);
  await running.ready;
  const client = running.client(echo);
  const before = await client.mapped();
  const strings = Object.fromEntries(Array.from({ length: 20 }, (_, i) => ['key' + i, 'x'.repeat(40) + i]));
  const first = await client.echo(strings);
  let after = false;
  for (let tries = 0; tries < 50 && !after; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    after = await client.mapped();
  }
  const second = await client.echo(strings);
  const same = JSON.stringify(first) === JSON.stringify(strings) && JSON.stringify(second) === JSON.stringify(strings);
  console.log(JSON.stringify({ before, after, same }));
  await running.stop();
});
`,
    );
    // Under processes the node has a process, and its memory map, of its own.
    const ran = await run('node', ['native.js', '--lp_launch_type=processes'], project);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout.trim().split('\n').at(-1) ?? '')).toEqual({
      before: false,
      after: true,
      same: true,
    });
  }, 60_000);

  it('runs a Python node from the installed package, with plain node', async () => {
    writeFileSync(
      join(project, 'squarer.py'),
      'import numpy as np\n\nclass Squarer:\n    def square(self, x):\n        return np.asarray(x) ** 2\n',
    );
    writeFileSync(
      join(project, 'python-main.mjs'),
      [
        "import * as lp from 'launchpad-ts';",
        "const p = new lp.Program('py');",
        "const s = p.addNode(new lp.PythonNode('./squarer.py', 'Squarer'), 'squarer');",
        'const running = lp.launch(p);',
        'const squared = await running.client(s).square(new Float64Array([1, 2, 3]));',
        "console.log('squared', Array.from(squared).join(','));",
        'await running.stop();',
        '',
      ].join('\n'),
    );
    const ran = await run('node', ['python-main.mjs', '--lp_python=/usr/bin/python3'], project);
    expect(ran.stderr).not.toMatch(/Error/);
    expect(ran.stdout).toContain('squared 1,4,9');
    expect(ran.code).toBe(0);
  }, 120_000);

  it('runs npx launchpad-ts graph on a compiled script with plain node, and names tsx for a .ts one', async () => {
    const graph = await run(
      'npx',
      ['launchpad-ts', 'graph', 'out/main.js', '--format', 'json'],
      project,
    );
    expect(graph.stderr).toBe('');
    expect(graph.code).toBe(0);
    expect(JSON.parse(graph.stdout)).toEqual({
      program: 'installed',
      nodes: [
        { id: 'producer/0', label: 'producer', kind: 'service' },
        { id: 'producer/1', label: 'producer', kind: 'service' },
        { id: 'producer/2', label: 'producer', kind: 'service' },
        { id: 'consumer/0', label: 'consumer', kind: 'service' },
      ],
      colocations: [],
      edges: [0, 1, 2].map((index) => ({ from: 'consumer/0', to: `producer/${index}` })),
    });
    // tsx is not installed yet (see the next tests).
    const typeScript = await run('npx', ['launchpad-ts', 'graph', 'main.ts'], project);
    expect(typeScript.code).toBe(1);
    expect(typeScript.stderr).toContain('is TypeScript, which needs tsx, and tsx is not installed');
  }, 120_000);

  it('says which package to install for Kubernetes, which a user without it never loads', async () => {
    const ran = await run(
      'node',
      ['out/main.js', '--lp_launch_type=kubernetes', '--lp_dry_run'],
      project,
      { LP_KUBERNETES_IMAGE: 'user/image:1' },
    );
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toContain(
      'launchType "kubernetes" needs the package @kubernetes/client-node, which is not installed',
    );
  }, 120_000);

  it('runs a TypeScript entry with tsx once the user installs tsx', async () => {
    const added = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', 'tsx@^4'],
      project,
    );
    expect(added.code, added.stderr).toBe(0);
    const ran = await run('npx', ['tsx', 'main.ts', '--lp_launch_type=processes'], project);
    expect(ran.stdout).toContain('[consumer/0] Results: [0,10,20]');
    expect(ran.code).toBe(0);
  }, 300_000);

  it('runs npx launchpad-ts graph on a TypeScript script once tsx is installed', async () => {
    const graph = await run('npx', ['launchpad-ts', 'graph', 'main.ts'], project);
    expect(graph.code, graph.stderr).toBe(0);
    for (const id of ['producer/0', 'producer/1', 'producer/2', 'consumer/0']) {
      expect(graph.stdout).toContain(`"${id}" [shape=box];`);
    }
    expect(graph.stdout).toContain('"consumer/0" -> "producer/2";');
  }, 120_000);
});
