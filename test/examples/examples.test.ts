/**
 * The examples ported from Launchpad, run as a user runs them (`tsx examples/X/main.ts`)
 * under every local launch type.
 */
import { describe, expect, it } from 'vitest';
import { LOCAL_LAUNCH_TYPES } from '../helpers/launch-types.ts';
import { runScript } from '../helpers/scripts.ts';

describe.each(LOCAL_LAUNCH_TYPES)('examples under %s', (launchType) => {
  const flag = `--lp_launch_type=${launchType}`;

  it('hello_world prints its greeting from its node and exits 0', async () => {
    const { code, stdout, stderr } = await runScript('examples/hello_world/main.ts', [flag]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`Hello World! (from hello_printer/0, launched as ${launchType})`);
  });

  it('consumer_producers prints every producer result, for --num_producers=3', async () => {
    const { code, stdout } = await runScript('examples/consumer_producers/main.ts', [
      flag,
      '--num_producers=3',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('Results: [ 0, 1, 2 ]');
  });

  it('program_wait ends every node through each way of waiting for the stop', async () => {
    const { code, stdout } = await runScript('examples/program_wait/main.ts', [flag]);
    expect(code).toBe(0);
    for (const line of [
      'stopper: stopping the program',
      'poller: stopped after',
      'waiter: stopped',
      'signal watcher: stopped',
      'handler: stopped',
      'program_wait: every node has stopped',
    ]) {
      expect(stdout).toContain(line);
    }
  });
});

it('prefixes each line a node process prints with its node id', async () => {
  const { stdout } = await runScript('examples/consumer_producers/main.ts', [
    '--lp_launch_type=processes',
  ]);
  expect(stdout).toMatch(/^\[consumer\/0\] Results: \[ 0, 1 \]$/m);
});
