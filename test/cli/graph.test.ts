/**
 * `launchpad-ts graph`: the graph of the program a script launches, in every format,
 * without starting a node; and a clear error for a script that never launches.
 */
import { XMLParser } from 'fast-xml-parser';
import { SyntaxValidator } from 'fast-xml-validator';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const EXAMPLE = 'examples/consumer_producers/main.ts';
const FIXTURE = 'test/fixtures/scripts/graph-program.ts';

const EXAMPLE_IDS = ['producer/0', 'producer/1', 'producer/2', 'consumer/0'];
const EXAMPLE_EDGES = ['producer/0', 'producer/1', 'producer/2'].map((to) => ({
  from: 'consumer/0',
  to,
}));

describe('launchpad-ts graph', () => {
  it('prints JSON exactly, passing the script its own arguments after --', async () => {
    const run = await runCli(['graph', EXAMPLE, '--format', 'json', '--', '--num_producers=3']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      program: 'consumer_producers',
      nodes: [
        ...EXAMPLE_IDS.slice(0, 3).map((id) => ({ id, label: 'producer', kind: 'service' })),
        { id: 'consumer/0', label: 'consumer', kind: 'service' },
      ],
      colocations: [],
      edges: EXAMPLE_EDGES,
    });
  }, 60_000);

  it('prints DOT by default: every node and edge, colocations as nested clusters, no node started', async () => {
    const run = await runCli(['graph', FIXTURE]);
    expect(run.code, run.stderr).toBe(0);
    // The script ran up to launch() (its output goes to stderr) and no further.
    expect(run.stderr).toContain('building the program');
    expect(run.stderr).not.toContain('must');
    const dot = run.stdout;
    expect(dot).toMatch(/^digraph "graph \\"demo\\"" \{/);
    for (const id of ['store/0', 'actor/0', 'actor/1', 'learner/0']) {
      expect(dot).toMatch(new RegExp(`^\\s*"${id}" \\[shape=(box|ellipse)\\];$`, 'm'));
    }
    expect(dot).toContain('"learner/0" [shape=ellipse]');
    const edges = [...dot.matchAll(/^\s*"([^"]+)" -> "([^"]+)";$/gm)].map(([, from, to]) => ({
      from,
      to,
    }));
    expect(edges).toEqual([
      { from: 'actor/0', to: 'store/0' },
      { from: 'actor/1', to: 'store/0' },
      { from: 'learner/0', to: 'actor/0' },
      { from: 'learner/0', to: 'actor/1' },
      { from: 'learner/0', to: 'store/0' },
    ]);
    // The colocation's cluster sits inside its label's cluster and holds both actors.
    expect(dot).toMatch(
      /subgraph "cluster_label_actor" \{\s*label="actor";\s*subgraph "cluster_colocation\/0" \{\s*label="colocation\/0 \(threads\)";\s*style=dashed;\s*"actor\/0" \[shape=box\];\s*"actor\/1" \[shape=box\];\s*\}/,
    );
  }, 60_000);

  it('prints a Mermaid flowchart with every node and edge', async () => {
    const run = await runCli(['graph', EXAMPLE, '--format', 'mermaid', '--', '--num_producers=3']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart LR');
    const names = new Map<string, string>();
    for (const line of lines) {
      const node = /^\s*(n\d+)\["([^"]+)"\]$/.exec(line);
      if (node !== null) names.set(node[1]!, node[2]!);
    }
    expect([...names.values()]).toEqual(EXAMPLE_IDS);
    const edges = lines
      .map((line) => /^\s*(n\d+) --> (n\d+)$/.exec(line))
      .filter((match) => match !== null)
      .map(([, from, to]) => ({ from: names.get(from!), to: names.get(to!) }));
    expect(edges).toEqual(EXAMPLE_EDGES);
  }, 60_000);

  it('prints well-formed SVG with a <text> per node and a path per edge', async () => {
    const run = await runCli(['graph', FIXTURE, '--format', 'svg']);
    expect(run.code, run.stderr).toBe(0);
    // Throws, naming the line and column, on XML that is not well formed.
    expect(SyntaxValidator.validate(run.stdout)).toBe(true);
    const svg = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      run.stdout,
    ) as { svg: { text: { class: string; '#text': string }[]; path: { class: string }[] } };
    const nodeTexts = svg.svg.text.filter((text) => text.class === 'node-id');
    expect(nodeTexts.map((text) => text['#text']).sort()).toEqual([
      'actor/0',
      'actor/1',
      'learner/0',
      'store/0',
    ]);
    expect(svg.svg.path.filter((path) => path.class === 'edge')).toHaveLength(5);
  }, 60_000);

  it('says so, exit code 1, when the script never calls launch()', async () => {
    const run = await runCli(['graph', 'test/fixtures/scripts/no-launch.ts']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'launchpad-ts: Script test/fixtures/scripts/no-launch.ts finished without calling launch()',
    );
  }, 60_000);

  it('names a script that does not exist', async () => {
    const run = await runCli(['graph', 'no/such/script.js']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Script \S*no\/such\/script\.js does not exist\./);
  }, 60_000);
});
