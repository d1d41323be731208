/**
 * programGraph(): a program's nodes, colocations and handle edges as plain data, read
 * without launching anything.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';

class Store {
  get(): number {
    return 1;
  }
}

class Reader {
  constructor(readonly deps: unknown) {}
}

function reader(_deps: unknown): void {
  // Never runs: nothing is launched.
}

describe('programGraph', () => {
  it('lists nodes with label, kind and colocation, and the colocations with their nodes', () => {
    const program = new lp.Program('shapes');
    program.addNode(new lp.ServiceNode(Store), 'store');
    program.addNode(
      new lp.ProcessColocation([new lp.FunctionNode(reader, 0), new lp.FunctionNode(reader, 1)]),
      'reader',
    );
    expect(lp.programGraph(program)).toEqual({
      program: 'shapes',
      nodes: [
        { id: 'store/0', label: 'store', kind: 'service' },
        { id: 'reader/0', label: 'reader', kind: 'function', colocation: 'colocation/0' },
        { id: 'reader/1', label: 'reader', kind: 'function', colocation: 'colocation/0' },
      ],
      colocations: [{ id: 'colocation/0', kind: 'processes', nodeIds: ['reader/0', 'reader/1'] }],
      edges: [],
    });
  });

  it('draws an edge for every handle nested in arrays, plain objects, Maps and Sets, once per pair', () => {
    const program = new lp.Program('edges');
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((label) =>
      program.addNode(new lp.ServiceNode(Store), label),
    );
    const deps = {
      list: [a, [b]],
      byName: new Map<unknown, unknown>([
        [c, 'as a key'],
        ['d', d],
      ]),
      set: new Set([a]),
      // Another handle of a node already reached (other call options): still one edge.
      again: a!.withOptions({ timeoutMs: 5 }),
      nothing: null,
    };
    program.addNode(new lp.ServiceNode(Reader, deps), 'reader');
    expect(lp.programGraph(program).edges).toEqual([
      { from: 'reader/0', to: 'a/0' },
      { from: 'reader/0', to: 'b/0' },
      { from: 'reader/0', to: 'c/0' },
      { from: 'reader/0', to: 'd/0' },
    ]);
  });

  it('ends on arguments with a cycle, which only a launch would refuse', () => {
    const program = new lp.Program('cycle');
    const store = program.addNode(new lp.ServiceNode(Store), 'store');
    const deps: Record<string, unknown> = { store };
    deps['self'] = deps;
    program.addNode(new lp.ServiceNode(Reader, deps), 'reader');
    expect(lp.programGraph(program).edges).toEqual([{ from: 'reader/0', to: 'store/0' }]);
  });

  it('does not look inside class instances, which cannot reach a node', () => {
    const program = new lp.Program('instances');
    const store = program.addNode(new lp.ServiceNode(Store), 'store');
    program.addNode(new lp.ServiceNode(Reader, new Reader({ store })), 'reader');
    expect(lp.programGraph(program).edges).toEqual([]);
  });
});
