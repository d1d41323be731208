/**
 * The one bootstrap decoder every entry script uses: JSON checked against its shape, with
 * an error naming where it came from and the wrong field.
 */
import { describe, expect, it } from 'vitest';
import { decodeBootstrap } from '../../src/node/bootstrap-decoder.ts';
import { childBootstrapShape, colocatedTaskShape } from '../../src/protocol/bootstrap-shapes.ts';
import { slurmTasksShape } from '../../src/launcher/backends/slurm/task/slurm-task-env.ts';
import { startScript } from '../helpers/scripts.ts';

const GOOD = { controlAddress: '127.0.0.1:4000', secret: 's3cret', nodeId: 'learner/0' };

describe('decodeBootstrap', () => {
  it('accepts a well-formed bootstrap', () => {
    expect(decodeBootstrap(JSON.stringify(GOOD), 'LP_BOOTSTRAP', childBootstrapShape)).toEqual(
      GOOD,
    );
  });

  it.each([
    [
      '{',
      /^What LP_BOOTSTRAP holds is not JSON \(.+\); this process must be started by launchpad-ts\.$/,
    ],
    [
      JSON.stringify({ ...GOOD, secret: undefined }),
      'LP_BOOTSTRAP.secret is missing. This process must be started by a launcher of the same launchpad-ts version.',
    ],
    [
      JSON.stringify({ ...GOOD, parentPid: 'one' }),
      'LP_BOOTSTRAP.parentPid must be a positive whole number, got "one".',
    ],
    [
      JSON.stringify({ ...GOOD, extra: 1 }),
      'LP_BOOTSTRAP has no key "extra"; the allowed keys are:',
    ],
    ['[]', 'LP_BOOTSTRAP must be an object, got [].'],
  ])('refuses %s with a clear error', (raw, message) => {
    expect(() => decodeBootstrap(raw, 'LP_BOOTSTRAP', childBootstrapShape)).toThrow(message);
  });

  it('checks nested bootstraps and task lists by path', () => {
    expect(() =>
      decodeBootstrap(
        JSON.stringify({ kind: 'threads', bootstraps: [GOOD, { ...GOOD, nodeId: 7 }] }),
        'LP_COLOCATED_TASK',
        colocatedTaskShape,
      ),
    ).toThrow('LP_COLOCATED_TASK.bootstraps[1].nodeId must be a node id (label/index), got 7.');
    expect(() =>
      decodeBootstrap(
        JSON.stringify(['a/0', { kind: 'fibers', nodeIds: ['b/0'] }]),
        'LP_SLURM_NODE_IDS',
        slurmTasksShape,
      ),
    ).toThrow('LP_SLURM_NODE_IDS[1].kind must be one of "threads", "processes", got "fibers".');
  });
});

describe('an entry script', () => {
  it('given a malformed task, exits 1 naming the variable and the field', async () => {
    const run = startScript('src/node/task-entry.ts', [], {
      LP_COLOCATED_TASK: JSON.stringify({ kind: 'threads' }),
    });
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toContain('launchpad-ts: LP_COLOCATED_TASK.bootstraps is missing.');
  });
});
