/**
 * The programming model: groups, labels, node ids, and the errors for misuse.
 */
import * as lp from 'launchpad-ts';
import { describe, expect, it } from 'vitest';
import { Echo } from '../fixtures/services.ts';

describe('Program', () => {
  it('gives nodes label/index ids, group by group', () => {
    const program = new lp.Program('ids');
    const producers = program.group('producer', () =>
      [0, 1, 2].map(() => program.addNode(new lp.ServiceNode(Echo))),
    );
    const consumer = program.addNode(new lp.ServiceNode(Echo), 'consumer');
    const more = program.addNode(new lp.ServiceNode(Echo), 'producer');
    expect(producers.map((handle) => handle.nodeId)).toEqual([
      'producer/0',
      'producer/1',
      'producer/2',
    ]);
    expect(consumer.nodeId).toBe('consumer/0');
    expect(more.nodeId).toBe('producer/3');
    expect([...program.groups.keys()]).toEqual(['producer', 'consumer']);
    expect(program.groups.get('producer')).toHaveLength(4);
  });

  it('returns what the group function returns', () => {
    const program = new lp.Program('returns');
    expect(program.group('g', () => 42)).toBe(42);
  });

  it('requires a label outside a group', () => {
    const program = new lp.Program('labels');
    expect(() => program.addNode(new lp.ServiceNode(Echo))).toThrow(
      /needs a label outside a group/,
    );
  });

  it('refuses a label that differs from the enclosing group', () => {
    const program = new lp.Program('labels');
    expect(() => program.group('a', () => program.addNode(new lp.ServiceNode(Echo), 'b'))).toThrow(
      /inside group "a": omit the label or use "a"/,
    );
  });

  it('refuses nested groups', () => {
    const program = new lp.Program('nested');
    expect(() => program.group('outer', () => program.group('inner', () => 1))).toThrow(
      /groups do not nest/,
    );
    // The failed group did not leave the program inside a group.
    expect(program.addNode(new lp.ServiceNode(Echo), 'after').nodeId).toBe('after/0');
  });

  it('refuses an async group function', () => {
    const program = new lp.Program('async');
    expect(() => program.group('g', () => Promise.resolve())).toThrow(
      /must add its nodes synchronously/,
    );
  });

  it('refuses bad labels and names, saying what was expected', () => {
    expect(() => new lp.Program('')).toThrow(/non-empty string/);
    const program = new lp.Program('bad');
    expect(() => program.addNode(new lp.ServiceNode(Echo), 'a/b')).toThrow(/Expected a label/);
  });

  it('refuses adding the same node twice', () => {
    const program = new lp.Program('twice');
    const node = new lp.ServiceNode(Echo);
    program.addNode(node, 'echo');
    expect(() => program.addNode(node, 'echo')).toThrow(/already added/);
  });
});

describe('launch()', () => {
  it('refuses an unknown launch type, listing the known ones and the aliases', () => {
    const program = new lp.Program('unknown');
    // A typo is a type error too: launchType is the union of the known names.
    // @ts-expect-error -- "mars" is no launch type
    expect(() => lp.launch(program, { launchType: 'mars' })).toThrow(
      `Unknown launch type "mars" (from the launchType option). Known launch types: ${lp.LAUNCH_TYPES.join(', ')}; Launchpad aliases: test_mt`,
    );
  });

  it('takes the launch type from LP_LAUNCH_TYPE when no option is given', async () => {
    const previous = process.env['LP_LAUNCH_TYPE'];
    process.env['LP_LAUNCH_TYPE'] = 'test_mt';
    try {
      const program = new lp.Program('from-env');
      program.addNode(new lp.ServiceNode(Echo), 'echo');
      await using running = lp.launch(program);
      expect(running.launchType).toBe('in-process');
    } finally {
      if (previous === undefined) delete process.env['LP_LAUNCH_TYPE'];
      else process.env['LP_LAUNCH_TYPE'] = previous;
    }
  });

  it('refuses a program without nodes', () => {
    expect(() => lp.launch(new lp.Program('empty'), { launchType: 'in-process' })).toThrow(
      'Program empty has no nodes; add some with program.addNode() before launching it.',
    );
  });

  it('refuses bad options with the option name', () => {
    const program = new lp.Program('options');
    expect(() => lp.launch(program, { launchType: 'in-process', terminationGraceMs: -1 })).toThrow(
      'Launch option terminationGraceMs must be a number ≥ 0, got -1.',
    );
  });

  it('refuses addNode() on a program already launched, whose new node would never run', async () => {
    const program = new lp.Program('fixed');
    program.addNode(new lp.ServiceNode(Echo), 'echo');
    const running = lp.launch(program, { launchType: 'in-process' });
    try {
      expect(() => program.addNode(new lp.ServiceNode(Echo), 'late')).toThrow(
        /^addNode\(Echo\): program fixed was already launched, .*Add every node before lp\.launch\(\)/,
      );
      expect(program.nodes.map((node) => node.id)).toEqual(['echo/0']);
    } finally {
      await running.stop();
    }
  });
});
